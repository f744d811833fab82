import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { encodeTicketV1, generateSoftwareSigner, type SoftwareSigner } from '@meterledger/crypto';
import type { SubmitTicketsResult } from '@meterledger/contract-api';
// Test-only code of a sibling package (never built): the weighing contract's real domain logic over an in-memory ledger.
import { WeighingDriver, makeTicket, weighingCallers } from '../../chaincode/src/testing/weighing-driver';
import { hashStationSecret } from './credentials';
import { buildSmartboxApi } from './server';

/** A self-signed certificate for 127.0.0.1 (openssl, as on every Debian machine). */
function selfSigned(dir: string): { key: string; cert: string } {
  const key = path.join(dir, 'key.pem');
  const cert = path.join(dir, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  return { key: fs.readFileSync(key, 'utf8'), cert: fs.readFileSync(cert, 'utf8') };
}

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

describe('SmartBox API over real HTTPS', () => {
  let dir: string;
  let app: FastifyInstance;
  let base: string;
  let ca: string;
  let clock = Date.parse('2026-03-02T12:00:00Z');
  let terminal: SoftwareSigner;
  const driver = new WeighingDriver();

  function call(method: string, url: string, body?: unknown, token?: string): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const req = httpsRequest(`${base}${url}`, { method, ca, headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) } }, (res) => {
        let text = '';
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} }));
      });
      req.on('error', reject);
      req.end(body === undefined ? undefined : JSON.stringify(body));
    });
  }

  function signed(minute: number) {
    const ticket = makeTicket({ time: `2026-03-02T08:${String(minute).padStart(2, '0')}:00Z` });
    const payload = encodeTicketV1(ticket);
    return { payload, signature: Buffer.from(terminal.sign(payload)).toString('base64') };
  }

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smartbox-api-'));
    const tls = selfSigned(dir);
    ca = tls.cert;
    await driver.init();
    terminal = generateSoftwareSigner('ecdsa-p256-sha256');
    await driver.registerActive(terminal, 'SBX-A-st01');
    const station = (caller: typeof weighingCallers.a1) => ({
      secretHash: hashStationSecret(`secret-of-${caller.station}`),
      saltSecret: Buffer.alloc(32, caller.station),
      submitter: { submit: (tickets: Parameters<WeighingDriver['submit']>[1]) => driver.submit(caller, tickets, '2026-03-02T12:00:00Z') },
    });
    app = await buildSmartboxApi({
      tls,
      stations: new Map([
        ['st01', station(weighingCallers.a1)],
        ['st02', station(weighingCallers.a2)],
      ]),
      tokens: { secret: Buffer.alloc(32, 7), accessTtlSeconds: 60, refreshTtlSeconds: 600, now: () => clock },
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    base = `https://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await app.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('logs a station in, takes its signed tickets and answers a retry as duplicate', async () => {
    const login = await call('POST', '/auth/token', { station: 'st01', secret: 'secret-of-st01' });
    expect(login.status).toBe(200);
    expect(login.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 60, refreshExpiresIn: 600 });
    const tickets = [signed(1), signed(2)];
    const first = await call('POST', '/stations/st01/tickets', { tickets }, login.body.accessToken as string);
    expect(first.status).toBe(200);
    expect(first.body as unknown as SubmitTicketsResult).toMatchObject({ accepted: 2, rejected: 0 });
    const retry = await call('POST', '/stations/st01/tickets', { tickets }, login.body.accessToken as string);
    expect(retry.body).toMatchObject({ accepted: 0, duplicates: 2 }); // same salt from the station's secret
  });

  it('refuses bad credentials, missing and foreign tokens, and malformed bodies with stable codes', async () => {
    expect(await call('POST', '/auth/token', { station: 'st01', secret: 'wrong' })).toMatchObject({ status: 401, body: { code: 'INVALID_CREDENTIALS' } });
    expect(await call('POST', '/auth/token', { station: 'st99', secret: 'secret-of-st99' })).toMatchObject({ status: 401, body: { code: 'INVALID_CREDENTIALS' } });
    expect(await call('POST', '/stations/st01/tickets', { tickets: [signed(3)] })).toMatchObject({ status: 401, body: { code: 'INVALID_TOKEN' } });
    expect(await call('POST', '/stations/st01/tickets', { tickets: [signed(3)] }, 'not.a.jwt')).toMatchObject({ status: 401, body: { code: 'INVALID_TOKEN' } });
    const st02 = await call('POST', '/auth/token', { station: 'st02', secret: 'secret-of-st02' });
    const foreign = await call('POST', '/stations/st01/tickets', { tickets: [signed(3)] }, st02.body.accessToken as string);
    expect(foreign).toMatchObject({ status: 403, body: { code: 'STATION_MISMATCH' } });
    // st02's own endpoint with st01's ticket: the chaincode's per-ticket STATION_MISMATCH
    const wrongTicket = await call('POST', '/stations/st02/tickets', { tickets: [signed(3)] }, st02.body.accessToken as string);
    expect(wrongTicket.body).toMatchObject({ rejected: 1, outcomes: [{ status: 'rejected', code: 'STATION_MISMATCH' }] });
    const malformed = await call('POST', '/stations/st02/tickets', { tickets: [{ payload: 'x' }] }, st02.body.accessToken as string);
    expect(malformed).toMatchObject({ status: 400, body: { code: 'INVALID_ARGUMENT' } });
    const notJson = await call('POST', '/auth/token', 'station=st01');
    expect(notJson).toMatchObject({ status: 400, body: { code: 'INVALID_ARGUMENT' } });
  });

  it('expires access tokens, refreshes with rotation and revokes a login whose refresh token is replayed', async () => {
    const login = await call('POST', '/auth/token', { station: 'st01', secret: 'secret-of-st01' });
    clock += 61_000;
    expect(await call('POST', '/stations/st01/tickets', { tickets: [signed(4)] }, login.body.accessToken as string)).toMatchObject({ status: 401, body: { code: 'TOKEN_EXPIRED' } });
    const refreshed = await call('POST', '/auth/refresh', { refreshToken: login.body.refreshToken });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.refreshToken).not.toBe(login.body.refreshToken);
    const ok = await call('POST', '/stations/st01/tickets', { tickets: [signed(4)] }, refreshed.body.accessToken as string);
    expect(ok.body).toMatchObject({ accepted: 1 });
    // the spent refresh token again: refused, and the login's new tokens are revoked with it
    expect(await call('POST', '/auth/refresh', { refreshToken: login.body.refreshToken })).toMatchObject({ status: 401, body: { code: 'INVALID_TOKEN' } });
    expect(await call('POST', '/stations/st01/tickets', { tickets: [signed(5)] }, refreshed.body.accessToken as string)).toMatchObject({ status: 401, body: { code: 'INVALID_TOKEN' } });
    expect(await call('POST', '/auth/refresh', { refreshToken: refreshed.body.refreshToken })).toMatchObject({ status: 401, body: { code: 'INVALID_TOKEN' } });
    // a refresh token past its lifetime
    const again = await call('POST', '/auth/token', { station: 'st01', secret: 'secret-of-st01' });
    clock += 601_000;
    expect(await call('POST', '/auth/refresh', { refreshToken: again.body.refreshToken })).toMatchObject({ status: 401 });
  });

  it('serves only TLS', async () => {
    const plain = await fetch(base.replace('https:', 'http:') + '/auth/token', { method: 'POST' }).then(
      (r) => r.status,
      () => 'refused',
    );
    expect(plain).not.toBe(200);
  });
});
