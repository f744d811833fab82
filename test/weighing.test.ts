import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { generateSoftwareSigner, softwareDeviceSigner, type SoftwareSigner, type WeighingTicket } from '@meterledger/crypto';
import { WEIGHING_CONTRACT, type SubmitTicketsResult } from '@meterledger/contract-api';
import { CustomerClient, InspectorClient, StationClient, newTicketId } from '@meterledger/weighing';
import { buildSmartboxApi, hashStationSecret } from '@meterledger/smartbox-api';
import { authority, closeAll, connection, expectCode, softwareProver, stateDir, uniqueId } from './support';

/**
 * 004's weighing tickets on the live network (network/topologies/weighing-004.yaml: PTB and Inmetro register the
 * terminals, CustomerA and CustomerB with two peers each hold the tickets in their private collections),
 * through the Gateway with CA-issued identities whose certificates carry role and station.
 */
jest.setTimeout(300_000);
afterAll(closeAll);

const A = 'CustomerAMSP';
const B = 'CustomerBMSP';
const run = uniqueId('w');
const terminals: Record<string, { id: string; signer: SoftwareSigner }> = {};
let stationA1: StationClient;
let stationA2: StationClient;
let stationB1: StationClient;

function terminalOf(key: string): { id: string; signer: SoftwareSigner } {
  return terminals[key];
}

let lastMs = 0;
/** A ticket at the current time (unique ms), as a SmartBox emits it. */
function ticket(customer: string, station: string, terminal: string, over: Partial<WeighingTicket> = {}): WeighingTicket {
  const ms = Math.max(Date.now(), lastMs + 1);
  lastMs = ms;
  const weighbridge = over.weighbridge ?? 'wb1';
  const gross = over.scaleGross ?? '40000';
  return {
    format: 'weighing-ticket-v1',
    ticketID: newTicketId({ customer: `${customer}-${run}`, station, weighbridge }, ms),
    terminalSerialNumber: terminalOf(terminal).id,
    terminalRestartValue: 1,
    timestamp: new Date(ms).toISOString(),
    scaleSerialNumber: `SC-${station}`,
    scaleStatus: 'OK',
    scaleGross: gross,
    scaleNet: '25000',
    cells: [1, 2, 3, 4].map((i) => ({ cellSerialNumber: `LC-${run}-${customer}-${station}-${i}`, cellWeight: String(Number(gross) / 4) })),
    station,
    weighbridge,
    unit: 'kg',
    ...over,
  };
}

async function accepted(result: SubmitTicketsResult): Promise<void> {
  expect(result.outcomes.map((o) => (o.status === 'rejected' ? `${o.code}: ${o.message}` : o.status))).toEqual(result.outcomes.map(() => 'accepted'));
}

beforeAll(async () => {
  const ptb = await authority('PTB', 'registrar');
  const inmetro = await authority('Inmetro', 'registrar');
  for (const key of ['A-st01', 'A-st02', 'B-st01']) {
    const signer = generateSoftwareSigner('ecdsa-p256-sha256');
    const id = `SBX-${key}-${run}`;
    const metadata = { manufacturer: 'ACME Weighing', model: 'SmartBox 2', serial: id, typeApprovalRef: 'PTB-7.51-0815' };
    await ptb.registerWithPossession({ meterId: id, scheme: signer.scheme, publicKey: signer.publicKey, metadata, prover: softwareProver(signer) });
    await inmetro.approveWithPossession({ meterId: id, prover: softwareProver(signer) });
    terminals[key] = { id, signer };
  }
  await new Promise((r) => setTimeout(r, 1500)); // tickets after the keys' activation
  stationA1 = new StationClient(await connection('CustomerA', 'station01'), { terminal: softwareDeviceSigner(terminals['A-st01'].signer) });
  stationA2 = new StationClient(await connection('CustomerA', 'station02'), { terminal: softwareDeviceSigner(terminals['A-st02'].signer) });
  stationB1 = new StationClient(await connection('CustomerB', 'station01'), { terminal: softwareDeviceSigner(terminals['B-st01'].signer) });
});

describe('tickets on the live network', () => {
  const tickets: Record<string, WeighingTicket> = {};

  beforeAll(async () => {
    tickets.a1 = ticket('A', 'st01', 'A-st01');
    tickets.a2 = ticket('A', 'st02', 'A-st02');
    tickets.b1 = ticket('B', 'st01', 'B-st01');
    await accepted(await stationA1.signAndSubmit([tickets.a1]));
    await accepted(await stationA2.signAndSubmit([tickets.a2]));
    await accepted(await stationB1.signAndSubmit([tickets.b1]));
  });

  it('privacy matrix: every caller × every ticket, only allowed reads succeed, forbidden ones carry a code', async () => {
    const owner: Record<string, { msp: string; station: string }> = { a1: { msp: A, station: 'st01' }, a2: { msp: A, station: 'st02' }, b1: { msp: B, station: 'st01' } };
    const callers: [string, string, string, (t: { msp: string; station: string }) => string][] = [
      ['CustomerA', 'station01', A, (t) => (t.msp !== A ? 'NOT_COLLECTION_MEMBER' : t.station === 'st01' ? 'ok' : 'STATION_MISMATCH')],
      ['CustomerA', 'station02', A, (t) => (t.msp !== A ? 'NOT_COLLECTION_MEMBER' : t.station === 'st02' ? 'ok' : 'STATION_MISMATCH')],
      ['CustomerA', 'user', A, (t) => (t.msp !== A ? 'NOT_COLLECTION_MEMBER' : 'ok')],
      ['CustomerB', 'station01', B, (t) => (t.msp !== B ? 'NOT_COLLECTION_MEMBER' : 'ok')],
      ['CustomerB', 'user', B, (t) => (t.msp !== B ? 'NOT_COLLECTION_MEMBER' : 'ok')],
      ['PTB', 'auditor', 'PTBMSP', () => 'NOT_COLLECTION_MEMBER'],
    ];
    const seen: string[] = [];
    const wanted: string[] = [];
    for (const [org, identity, , expected] of callers) {
      const calls = (await connection(org, identity)).contract(WEIGHING_CONTRACT);
      for (const [name, t] of Object.entries(tickets)) {
        const outcome = await calls.evaluate<{ ticket: WeighingTicket }>('getTicket', { ticketID: t.ticketID, customer: owner[name].msp }).then(
          (v) => (v.ticket.ticketID === t.ticketID ? 'ok' : 'wrong ticket'),
          (e: { code?: string }) => e.code ?? String(e),
        );
        seen.push(`${org}/${identity} reads ${name}: ${outcome}`);
        wanted.push(`${org}/${identity} reads ${name}: ${expected(owner[name])}`);
      }
      // a listing of another customer's tickets is refused, not answered with an empty page
      const other = org === 'CustomerA' ? B : A;
      const listing = await calls.evaluate('queryTickets', { customer: other }).then(
        () => 'answered',
        (e: { code?: string }) => e.code,
      );
      seen.push(`${org}/${identity} lists ${other}: ${listing}`);
      wanted.push(`${org}/${identity} lists ${other}: NOT_COLLECTION_MEMBER`);
    }
    expect(seen).toEqual(wanted);
  });

  it('is insert-only: a retry is a duplicate, other content under a taken id is refused, and no function changes a ticket', async () => {
    const signed = await stationA1.sign(ticket('A', 'st01', 'A-st01'));
    await accepted(await stationA1.submit([signed]));
    expect((await stationA1.submit([signed])).outcomes[0].status).toBe('duplicate');
    const original = JSON.parse(signed.payload) as WeighingTicket;
    const altered = await stationA1.signAndSubmit([{ ...original, scaleNet: '1' }]);
    expect(altered.outcomes[0]).toMatchObject({ status: 'rejected', code: 'TICKET_ID_TAKEN' });
    const user = new CustomerClient(await connection('CustomerA', 'user'));
    expect((await user.getTicket(original.ticketID)).ticket.scaleNet).toBe('25000');
    const raw = (await connection('CustomerA', 'user')).contract(WEIGHING_CONTRACT);
    await expectCode(raw.submit('updateTicket', { ticketID: original.ticketID }), 'UNKNOWN_FUNCTION');
    await expectCode(raw.submit('deleteTicket', { ticketID: original.ticketID }), 'UNKNOWN_FUNCTION');
  });

  it('filters on several attributes and groups a day by weighbridge, equal to a filter over everything the user sees', async () => {
    const batch = [ticket('A', 'st01', 'A-st01', { weighbridge: 'wb2', scaleGross: '30000' }), ticket('A', 'st01', 'A-st01', { weighbridge: 'wb2', scaleGross: '42000', scaleStatus: 'MOTION' })];
    await accepted(await stationA1.signAndSubmit(batch));
    const user = new CustomerClient(await connection('CustomerA', 'user'));
    const everything = [];
    for await (const v of user.allTickets({ pageSize: 50 })) everything.push(v);
    const filter = { station: 'st01', weighbridge: 'wb2', grossMin: '35000' };
    const found = [];
    for await (const v of user.allTickets({ filter, pageSize: 1 })) found.push(v.ticket.ticketID);
    const brute = everything.filter((v) => v.ticket.station === 'st01' && v.ticket.weighbridge === 'wb2' && Number(v.ticket.scaleGross) >= 35000).map((v) => v.ticket.ticketID);
    expect(found.sort()).toEqual(brute.sort());
    expect(found).toContain(batch[1].ticketID);

    const day = new Date().toISOString().slice(0, 10);
    const next = new Date(Date.parse(day) + 86_400_000).toISOString();
    const groups = await user.groupTickets({ filter: { from: `${day}T00:00:00Z`, to: next }, by: 'weighbridge' });
    expect(groups.source).toBe('totals');
    const todays = everything.filter((v) => v.time.startsWith(day));
    for (const g of groups.groups) expect(g.count).toBe(todays.filter((v) => `${v.ticket.station}/${v.ticket.weighbridge}` === g.key).length);
    expect(groups.groups.reduce((n, g) => n + g.count, 0)).toBe(todays.length);
  });

  it('lets an inspector of an authority check a disclosed ticket against the ledger without being a member', async () => {
    const user = new CustomerClient(await connection('CustomerA', 'user'));
    const disclosure = await user.disclose(tickets.a1.ticketID);
    const inspector = new InspectorClient(await connection('PTB', 'auditor'));
    expect(await inspector.checkDisclosure(disclosure)).toMatchObject({ valid: true, signatureValid: true });
    const forged = { ...disclosure, record: { ...disclosure.record, payload: disclosure.record.payload.replace('"scaleNet":"25000"', '"scaleNet":"24000"') } };
    expect(await inspector.checkDisclosure(forged)).toMatchObject({ valid: false, signatureValid: false });
  });

  it('checks a route between two customers within and outside tolerance, recording only the verdict for both', async () => {
    const aUser = new CustomerClient(await connection('CustomerA', 'user'));
    const bUser = new CustomerClient(await connection('CustomerB', 'user'));
    for (const [suffix, destinationNet, within] of [['in', '24990', true], ['out', '24000', false]] as const) {
      const routeId = `${run}-${suffix}`;
      const origin = ticket('A', 'st01', 'A-st01', { scaleNet: '25010' });
      const destination = ticket('B', 'st01', 'B-st01', { scaleNet: destinationNet });
      await accepted(await stationA1.signAndSubmit([origin]));
      await accepted(await stationB1.signAndSubmit([destination]));
      await aUser.declareRoute({ routeId, vehicleId: 'AA-00-BB', originStation: 'st01', destinationCustomer: B, destinationStation: 'st01', expectedNet: '25000', tolerance: '50', unit: 'kg' });
      const ids = { routeId, originCustomer: A, destinationCustomer: B };
      expect((await aUser.attachRouteTicket({ ...ids, ticketID: origin.ticketID })).verdict).toBeNull();
      const done = await bUser.attachRouteTicket({ ...ids, ticketID: destination.ticketID });
      expect(done.verdict).toMatchObject({ withinTolerance: within });
      expect((await aUser.getRoute(ids)).verdict).toEqual(done.verdict);
      await expectCode(bUser.getTicket(origin.ticketID), 'UNKNOWN_TICKET'); // B's own collection has no such ticket
    }
  });

  it('keeps a ticket readable with one of its customer\'s two peers killed', async () => {
    const profile = JSON.parse(fs.readFileSync(path.join(stateDir(), 'network.json'), 'utf8')) as { orgs: Record<string, { peers: { name: string }[] }> };
    const [first, second] = profile.orgs.CustomerA.peers;
    if (!second) throw new Error('this test needs two peers for CustomerA (network/topologies/weighing-004.yaml)');
    const t = ticket('A', 'st01', 'A-st01');
    await accepted(await stationA1.signAndSubmit([t]));
    // the ticket went to both peers (requiredPeerCount 1); read it through the second with the first dead
    const reader = new CustomerClient(await connection('CustomerA', 'user', second.name));
    try {
      process.kill(Number(fs.readFileSync(path.join(stateDir(), 'run', `${first.name}.pid`), 'utf8')), 'SIGKILL');
      expect((await reader.getTicket(t.ticketID)).ticket).toEqual(t);
    } finally {
      execFileSync(process.execPath, [path.resolve(__dirname, '..', 'network', 'dist', 'cli.js'), 'up'], { stdio: 'pipe' });
    }
  });
});

describe('the SmartBox API over HTTPS on the live network', () => {
  it('takes a terminal\'s tickets with a station token, refuses expired and foreign tokens, and refreshes', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smartbox-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', path.join(dir, 'k.pem'), '-out', path.join(dir, 'c.pem'), '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    const tls = { key: fs.readFileSync(path.join(dir, 'k.pem')), cert: fs.readFileSync(path.join(dir, 'c.pem')) };
    let clock = Date.now();
    const stations = new Map([
      ['st01', { secretHash: hashStationSecret('s1'), saltSecret: Buffer.alloc(32, 1), submitter: stationA1 }],
      ['st02', { secretHash: hashStationSecret('s2'), saltSecret: Buffer.alloc(32, 2), submitter: stationA2 }],
    ]);
    const app = await buildSmartboxApi({ tls, stations, tokens: { secret: Buffer.alloc(32, 9), accessTtlSeconds: 30, now: () => clock } });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const base = `https://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    const call = (url: string, body: unknown, token?: string) =>
      new Promise<{ status: number; body: Record<string, unknown> }>((resolve, reject) => {
        const req = httpsRequest(`${base}${url}`, { method: 'POST', ca: tls.cert, headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) } }, (res) => {
          let text = '';
          res.on('data', (c) => (text += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> }));
        });
        req.on('error', reject);
        req.end(JSON.stringify(body));
      });
    try {
      const signedBy = async (t: WeighingTicket) => {
        const s = await stationA1.sign(t);
        return { payload: s.payload, signature: s.signature };
      };
      const login = await call('/auth/token', { station: 'st01', secret: 's1' });
      const token = login.body.accessToken as string;
      const posted = await call('/stations/st01/tickets', { tickets: [await signedBy(ticket('A', 'st01', 'A-st01'))] }, token);
      expect(posted.status).toBe(200);
      expect(posted.body).toMatchObject({ customer: A, accepted: 1 });
      const other = await call('/auth/token', { station: 'st02', secret: 's2' });
      expect(await call('/stations/st01/tickets', { tickets: [await signedBy(ticket('A', 'st01', 'A-st01'))] }, other.body.accessToken as string)).toMatchObject({ status: 403, body: { code: 'STATION_MISMATCH' } });
      clock += 31_000;
      expect(await call('/stations/st01/tickets', { tickets: [await signedBy(ticket('A', 'st01', 'A-st01'))] }, token)).toMatchObject({ status: 401, body: { code: 'TOKEN_EXPIRED' } });
      const refreshed = await call('/auth/refresh', { refreshToken: login.body.refreshToken });
      const again = await call('/stations/st01/tickets', { tickets: [await signedBy(ticket('A', 'st01', 'A-st01'))] }, refreshed.body.accessToken as string);
      expect(again.body).toMatchObject({ accepted: 1 });
    } finally {
      await app.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
