/**
 * The weighing part of the demo (scripts/demo.ts runs it after the readings part), end to end on the running
 * network: 004's two customers, each with a station whose SmartBox (weighing terminal) key PTB and Inmetro
 * registered in the meter registry. CustomerA's SmartBox submits its tickets through the SmartBox HTTPS API
 * with a station token; CustomerB's station submits directly. Then: what each customer may read, grouping, a
 * truck's route from CustomerA to CustomerB checked without either revealing its ticket, and a ticket
 * disclosed to a PTB inspector who checks it against the ledger.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { AuthorityClient, softwareProver } from '@meterledger/authority';
import { connect, MeterledgerError, type MeterledgerConnection } from '@meterledger/client';
import type { SubmitTicketsResult } from '@meterledger/contract-api';
import { encodeTicketV1, generateSoftwareSigner, softwareDeviceSigner, type SoftwareSigner, type WeighingTicket } from '@meterledger/crypto';
import { buildSmartboxApi, hashStationSecret } from '@meterledger/smartbox-api';
import { CustomerClient, InspectorClient, StationClient, newTicketId } from '@meterledger/weighing';
import type { DemoOutput } from './demo-readings';

const A = 'CustomerAMSP';
const B = 'CustomerBMSP';

export async function weighingDemo({ step, show }: DemoOutput): Promise<void> {
  const stamp = Date.now().toString(36);
  const connections: MeterledgerConnection[] = [];
  const open = async (org: string, identity: string) => {
    const c = await connect({ org, identity });
    connections.push(c);
    return c;
  };
  const tls = fs.mkdtempSync(path.join(os.tmpdir(), 'meterledger-demo-smartbox-'));
  let lastMs = 0;
  const ticket = (customer: string, terminal: string, net: string, weighbridge = 'wb1'): WeighingTicket => {
    const ms = Math.max(Date.now(), lastMs + 1);
    lastMs = ms;
    const gross = String(Number(net) + 14_250);
    return {
      format: 'weighing-ticket-v1',
      ticketID: newTicketId({ customer: `${customer}-${stamp}`, station: 'st01', weighbridge }, ms),
      terminalSerialNumber: terminal,
      terminalRestartValue: 1,
      timestamp: new Date(ms).toISOString(),
      scaleSerialNumber: `SC-${customer}-${weighbridge}`,
      scaleStatus: 'OK',
      scaleGross: gross,
      scaleNet: net,
      cells: [1, 2, 3, 4].map((i) => ({ cellSerialNumber: `LC-${customer}-${weighbridge}-${i}`, cellWeight: String(Number(gross) / 4) })),
      station: 'st01',
      weighbridge,
      unit: 'kg',
    };
  };

  try {
    step('Weighing tickets (004): the terminals of CustomerA and CustomerB are measuring instruments in the registry');
    const ptb = new AuthorityClient(await open('PTB', 'registrar'));
    const inmetro = new AuthorityClient(await open('Inmetro', 'registrar'));
    const terminals: Record<string, { id: string; key: SoftwareSigner }> = {};
    for (const customer of ['A', 'B']) {
      const id = `SBX-${customer}-st01-${stamp}`;
      const key = generateSoftwareSigner('ecdsa-p256-sha256');
      await ptb.registerWithPossession({ meterId: id, scheme: key.scheme, publicKey: key.publicKey, metadata: { manufacturer: 'ACME Weighing', model: 'SmartBox 2', serial: id, typeApprovalRef: 'PTB-7.51-0815' }, prover: softwareProver(key) });
      const active = await inmetro.approveWithPossession({ meterId: id, prover: softwareProver(key) });
      terminals[customer] = { id, key };
      show(`Customer${customer} station st01 terminal`, `${id}: ${active.status} (approved by ${active.keys[0].approvals.map((a) => a.mspId).join(' + ')})`);
    }
    await new Promise((r) => setTimeout(r, 1000));

    step("CustomerA's SmartBox logs in to the SmartBox HTTPS API and posts two signed tickets with its access token");
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', path.join(tls, 'key.pem'), '-out', path.join(tls, 'cert.pem'), '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    const cert = fs.readFileSync(path.join(tls, 'cert.pem'));
    const stationA = new StationClient(await open('CustomerA', 'station01'));
    const api = await buildSmartboxApi({
      tls: { key: fs.readFileSync(path.join(tls, 'key.pem')), cert },
      stations: new Map([['st01', { secretHash: hashStationSecret('demo-secret-st01'), saltSecret: Buffer.from(`demo-salt-secret-${stamp}`.padEnd(32, '.')), submitter: stationA }]]),
      tokens: { secret: Buffer.from(`demo-token-key-${stamp}`.padEnd(32, '.')) },
    });
    await api.listen({ host: '127.0.0.1', port: 0 });
    const base = `https://127.0.0.1:${(api.server.address() as AddressInfo).port}`;
    const post = async (url: string, body: unknown, token?: string) => {
      const { request } = await import('node:https');
      return new Promise<{ status: number; body: Record<string, unknown> }>((resolve, reject) => {
        const req = request(`${base}${url}`, { method: 'POST', ca: cert, headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) } }, (res) => {
          let text = '';
          res.on('data', (c) => (text += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> }));
        });
        req.on('error', reject);
        req.end(JSON.stringify(body));
      });
    };
    const login = await post('/auth/token', { station: 'st01', secret: 'demo-secret-st01' });
    show('POST /auth/token', `${login.status}: access token for ${login.body.expiresIn} s, refresh token for ${login.body.refreshExpiresIn} s`);
    const signByTerminal = (t: WeighingTicket) => {
      const payload = encodeTicketV1(t);
      return { payload, signature: Buffer.from(terminals.A.key.sign(payload)).toString('base64') };
    };
    const origin = ticket('A', terminals.A.id, '25010');
    const other = ticket('A', terminals.A.id, '31200', 'wb2');
    const posted = await post('/stations/st01/tickets', { tickets: [signByTerminal(origin), signByTerminal(other)] }, login.body.accessToken as string);
    const result = posted.body as unknown as SubmitTicketsResult;
    show('POST /stations/st01/tickets', `${posted.status}: ${result.accepted} accepted into CustomerA's private collection (tx ${result.txId.slice(0, 12)}…)`);
    const foreign = await post('/stations/st02/tickets', { tickets: [signByTerminal(ticket('A', terminals.A.id, '1000'))] }, login.body.accessToken as string);
    show("st01's token on st02's endpoint", `${foreign.status} ${foreign.body.code}`);
    await api.close();

    step("CustomerB's station submits its ticket for the truck's arrival");
    const stationB = new StationClient(await open('CustomerB', 'station01'), { terminal: softwareDeviceSigner(terminals.B.key) });
    const destination = ticket('B', terminals.B.id, '24985');
    const bResult = await stationB.signAndSubmit([destination]);
    show('submitTickets (CustomerB)', `${bResult.accepted} accepted`);

    step('Who sees what: tickets live in their customer\'s private collection; the channel holds only salted hashes');
    const userA = new CustomerClient(await open('CustomerA', 'user'));
    const userB = new CustomerClient(await open('CustomerB', 'user'));
    const seen = await userA.getTicket(origin.ticketID);
    show('CustomerA user reads its ticket', `${seen.ticket.ticketID.slice(0, 20)}…: gross ${seen.ticket.scaleGross} net ${seen.ticket.scaleNet} ${seen.ticket.unit}, key v${seen.keyVersion}`);
    try {
      await userB.getTicket(origin.ticketID, A);
    } catch (err) {
      show("CustomerB user reads CustomerA's ticket", err instanceof MeterledgerError ? `refused: ${err.code}` : String(err));
    }
    const day = new Date().toISOString().slice(0, 10);
    const groups = await userA.groupTickets({ filter: { from: `${day}T00:00:00Z`, to: new Date(Date.parse(day) + 86_400_000).toISOString() }, by: 'weighbridge' });
    for (const g of groups.groups) show(`  today, ${g.key}`, `${g.count} tickets, net sum ${g.net.sum} ${g.unit} (from the ${groups.source})`);

    step('A truck from CustomerA/st01 to CustomerB/st01 should carry 25,000 kg ± 50: each side attaches its own ticket');
    const routeId = `demo-route-${stamp}`;
    await userA.declareRoute({ routeId, vehicleId: 'AA-00-BB', originStation: 'st01', destinationCustomer: B, destinationStation: 'st01', expectedNet: '25000', tolerance: '50', unit: 'kg' });
    const ids = { routeId, originCustomer: A, destinationCustomer: B };
    await userA.attachRouteTicket({ ...ids, ticketID: origin.ticketID });
    const verdict = await userB.attachRouteTicket({ ...ids, ticketID: destination.ticketID });
    show('verdict (recorded for both)', `${verdict.verdict?.withinTolerance ? 'within tolerance' : 'OUT of tolerance'}, destination − origin = ${verdict.verdict?.difference} kg`);

    step("CustomerA discloses its ticket to a PTB inspector, who checks it against the ledger's hash");
    const proof = await userA.disclose(origin.ticketID);
    const inspector = new InspectorClient(await open('PTB', 'auditor'));
    const check = await inspector.checkDisclosure(proof);
    show('checkDisclosure', `${check.valid ? 'VALID' : 'NOT VALID'}: hash ${check.recordHash.slice(0, 16)}… on the ledger, terminal signature ${check.signatureValid ? 'verifies' : 'fails'}`);
    const tampered = { ...proof, record: { ...proof.record, payload: proof.record.payload.replace('"scaleNet":"25010"', '"scaleNet":"26010"') } };
    const bad = await inspector.checkDisclosure(tampered);
    show('the same with the net weight edited', `${bad.valid ? 'VALID' : 'NOT VALID'} (hash differs, signature ${bad.signatureValid ? 'verifies' : 'fails'})`);
  } finally {
    for (const c of connections) c.close();
    fs.rmSync(tls, { recursive: true, force: true });
  }
}
