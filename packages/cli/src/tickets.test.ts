import { generateKeyPairSync } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DisclosureCheck, RouteView, TicketGroupsResult, TicketPage } from '@meterledger/contract-api';
import { softwareSignerFromPrivateKeyPem } from '@meterledger/crypto';
import { MemoryPrivateData } from '../../chaincode/src/testing/memory-private-data';
import { InProcessNetwork } from '../../client/src/testing/in-process-network';
import { makeTicket } from '../../chaincode/src/testing/weighing-driver';
import { routesCollection, ticketsCollection } from '../../chaincode/src/weighing/collections';
import { EXIT } from './exit-codes';
import { runCli } from './program';
import { inProcessSessions } from './testing/in-process-session';
import { tmpDir } from './testing/keys';

/**
 * `meterledger tickets ...` end to end, in process: argv → commander → @meterledger/weighing → ContractClient →
 * the REAL chaincode (registry + weighing contracts) over an in-memory ledger and private collections, with
 * test certificates carrying role and station.
 */
jest.setTimeout(60_000);

const A = 'CustomerAMSP';
const B = 'CustomerBMSP';
const STATION = ['--org', 'CustomerA', '--identity', 'station01'];
const USER_A = ['--org', 'CustomerA', '--identity', 'user'];
const STATION_B = ['--org', 'CustomerB', '--identity', 'station01'];
const USER_B = ['--org', 'CustomerB', '--identity', 'user'];
const INSPECTOR = ['--org', 'PTB', '--identity', 'auditor'];

const dir = tmpDir('meterledger-cli-tickets-');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
let sessions: ReturnType<typeof inProcessSessions>;
let keyFile: string;
let keyFileB: string;

async function cli(args: string[], stdin = '') {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    openSession: sessions.openSession,
    env: {},
    readStdin: async () => stdin,
    output: { stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s) },
  });
  expect(sessions.openCount()).toBe(0);
  return { code, stdout, stderr, json: <T>() => JSON.parse(stdout) as T, lines: <T>() => stdout.trim().split('\n').map((l) => JSON.parse(l) as T) };
}

/** Tickets after the terminals' activation (the ledger's clock starts at 2026-01-01T00:00:00Z, +1 s a transaction). */
const at = (s: number) => `2026-01-01T00:01:${String(s).padStart(2, '0')}Z`;

beforeEach(async () => {
  const privateData = new MemoryPrivateData().define(ticketsCollection(A), [A]).define(ticketsCollection(B), [B]).define(routesCollection(A, B), [A, B]);
  sessions = inProcessSessions(new InProcessNetwork({ orgs: ['PTBMSP', 'InmetroMSP'], privateData }));
  const newKey = (name: string) => {
    const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const file = path.join(dir, name);
    fs.writeFileSync(file, pem);
    return { file, signer: softwareSignerFromPrivateKeyPem('ecdsa-p256-sha256', pem) };
  };
  const a = newKey('terminal-a.pem');
  const b = newKey('terminal-b.pem');
  keyFile = a.file;
  keyFileB = b.file;
  await sessions.network.registerMeters([['SBX-A-st01', a.signer], ['SBX-B-st01', b.signer]]);
});

function ticketsFile(name: string, lines: object[]): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  return file;
}

describe('tickets', () => {
  it('submit signs with the terminal key, reports an outcome per ticket; query, group, show read them back', async () => {
    const tickets = [makeTicket({ time: at(1), gross: '40000' }), makeTicket({ time: at(2), weighbridge: 'wb2', gross: '30000', net: '20000' }), makeTicket({ time: at(3), net: '50000' })];
    const file = ticketsFile('t.jsonl', tickets);
    const saltSecret = path.join(dir, 'salt');
    fs.writeFileSync(saltSecret, Buffer.alloc(32, 3));
    const r = await cli(['tickets', 'submit', file, '--terminal-key', keyFile, '--salt-secret', saltSecret, ...STATION, '--json']);
    expect(r.lines<{ status: string; code?: string; line: number }>().map((o) => [o.line, o.code ?? o.status])).toEqual([
      [1, 'accepted'],
      [2, 'accepted'],
      [3, 'NET_EXCEEDS_GROSS'],
    ]);
    expect(r.code).toBe(EXIT.INPUT);
    expect(r.stderr).toMatch(/3 tickets: 2 accepted, 0 duplicates, 1 rejected/);
    const again = await cli(['tickets', 'submit', file, '--terminal-key', keyFile, '--salt-secret', saltSecret, ...STATION]);
    expect(again.stderr).toMatch(/2 duplicates/);

    const page = await cli(['tickets', 'query', '--station', 'st01', '--gross-min', '35000', ...USER_A, '--json']);
    expect(page.json<TicketPage>().items.map((v) => v.ticket.ticketID)).toEqual([tickets[0].ticketID]);
    const all = await cli(['tickets', 'query', '--all', ...USER_A, '--json']);
    expect(all.lines<{ ticket: { ticketID: string } }>().map((v) => v.ticket.ticketID)).toEqual([tickets[0].ticketID, tickets[1].ticketID]);
    const human = await cli(['tickets', 'query', ...USER_A]);
    expect(human.stdout).toContain('st01/wb2\tgross 30000 net 20000 kg');
    const groups = await cli(['tickets', 'group', '--by', 'weighbridge', '--from', '2026-01-01T00:00:00Z', '--to', '2026-01-02T00:00:00Z', ...USER_A, '--json']);
    expect(groups.json<TicketGroupsResult>()).toMatchObject({ source: 'totals', groups: [{ key: 'st01/wb1', count: 1 }, { key: 'st01/wb2', count: 1 }] });
    const shown = await cli(['tickets', 'show', tickets[1].ticketID, ...USER_A]);
    expect(shown.stdout).toMatch(/ticket .* of CustomerAMSP, station st01, weighbridge wb2/);
  });

  it('refuses another customer with exit code 4 and prove/check-proof hands a ticket to an inspector', async () => {
    const t = makeTicket({ time: at(5) });
    await cli(['tickets', 'submit', ticketsFile('one.jsonl', [t]), '--terminal-key', keyFile, ...STATION]);
    const foreign = await cli(['tickets', 'show', t.ticketID, '--customer', A, ...USER_B, '--json']);
    expect(foreign.code).toBe(EXIT.UNAUTHORIZED);
    expect(JSON.parse(foreign.stderr)).toMatchObject({ code: 'NOT_COLLECTION_MEMBER' });

    const proof = await cli(['tickets', 'prove', t.ticketID, ...USER_A]);
    expect(proof.code).toBe(EXIT.OK);
    const check = await cli(['tickets', 'check-proof', ...INSPECTOR, '--json'], proof.stdout);
    expect(check.json<DisclosureCheck>()).toMatchObject({ valid: true, customer: A });
    const forged = proof.stdout.replace('\\"scaleNet\\":\\"25000\\"', '\\"scaleNet\\":\\"24000\\"');
    expect(forged).not.toBe(proof.stdout);
    const bad = await cli(['tickets', 'check-proof', ...INSPECTOR], forged);
    expect(bad.code).toBe(EXIT.NOT_VALID);
    expect(bad.stdout).toMatch(/NOT VALID/);
  });

  it('route declare, attach at both ends and show the verdict (exit 9 when out of tolerance)', async () => {
    const origin = makeTicket({ time: at(6), net: '25000' });
    const destination = makeTicket({ time: at(7), net: '24000', terminal: 'SBX-B-st01' });
    await cli(['tickets', 'submit', ticketsFile('o.jsonl', [origin]), '--terminal-key', keyFile, ...STATION]);
    await cli(['tickets', 'submit', ticketsFile('d.jsonl', [destination]), '--terminal-key', keyFileB, ...STATION_B]);
    const declared = await cli(['tickets', 'route', 'declare', 'r-1', '--vehicle', 'AA-00-BB', '--origin-station', 'st01', '--destination-customer', B, '--destination-station', 'st01', '--expected-net', '25000', '--tolerance', '100', ...USER_A]);
    expect(declared.stdout).toMatch(/route r-1 declared/);
    const ends = ['--origin-customer', A, '--destination-customer', B];
    await cli(['tickets', 'route', 'attach', 'r-1', ...ends, '--ticket', origin.ticketID, ...USER_A]);
    const done = await cli(['tickets', 'route', 'attach', 'r-1', ...ends, '--ticket', destination.ticketID, ...USER_B, '--json']);
    expect(done.json<RouteView>().verdict).toMatchObject({ withinTolerance: false, difference: '-1000' });
    const shown = await cli(['tickets', 'route', 'show', 'r-1', ...ends, ...USER_A]);
    expect(shown.stdout).toMatch(/OUT OF tolerance, destination − origin = -1000 kg/);
    expect(shown.code).toBe(EXIT.NOT_VALID);
  });

  it('bad input lines are refused before anything is submitted', async () => {
    const r = await cli(['tickets', 'submit', '-', ...STATION, '--json'], '{"payload": 1}\n');
    expect(r.code).toBe(EXIT.INPUT);
    expect(JSON.parse(r.stderr)).toMatchObject({ code: 'INVALID_ARGUMENT' });
    const unsigned = await cli(['tickets', 'submit', '-', ...STATION], JSON.stringify(makeTicket({ time: at(8) })) + '\n');
    expect(unsigned.stderr).toMatch(/--terminal-key/);
  });
});
