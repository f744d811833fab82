import * as path from 'node:path';
import { AuthorityClient, softwareProver, type AuthorityClientOptions } from '@meterledger/authority';
import { connect, MeterledgerError, type MeterledgerConnection } from '@meterledger/client';
import { READINGS_CONTRACT, type Page, type ReadingRecord } from '@meterledger/contract-api';

/** The state folder of the network under test (scripts/test-integration.sh sets MLEDGER_STATE_DIR). */
export function stateDir(): string {
  return process.env.MLEDGER_STATE_DIR ?? path.resolve(__dirname, '..', '.fabric');
}

/** Connections opened by a test file, closed in afterAll. */
const open: MeterledgerConnection[] = [];

/** A connection through the transport the suite runs with (MLEDGER_TRANSPORT), closed in afterAll; `peer`: the gateway peer (default the org's first). */
export async function connection(org: string, identity: string, peer?: string): Promise<MeterledgerConnection> {
  const c = await connect({ org, identity, ...(peer ? { peer } : {}) });
  open.push(c);
  return c;
}

export async function authority(
  org: string,
  identity: 'admin' | 'registrar' | 'verifier' | 'norole',
  options?: AuthorityClientOptions,
): Promise<AuthorityClient> {
  return new AuthorityClient(await connection(org, identity), options);
}

export function closeAll(): void {
  auditorConnection = undefined;
  for (const c of open.splice(0)) c.close();
}

/** Unique per run, so tests can run repeatedly against one long-lived network. */
export function uniqueId(prefix: string): string {
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

export async function expectCode(promise: Promise<unknown>, code: string): Promise<MeterledgerError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(MeterledgerError);
  expect((err as MeterledgerError).code).toBe(code);
  return err as MeterledgerError;
}

export { softwareProver };

/** An error's message with the messages of its causes and of fabric-gateway's per-peer details. */
export function describeError(e: unknown): string {
  const parts: string[] = [];
  for (let cur: unknown = e; cur instanceof Error; cur = (cur as { cause?: unknown }).cause) {
    parts.push(cur.message);
    for (const d of ((cur as { details?: { message?: string }[] }).details ?? [])) if (d.message) parts.push(d.message);
  }
  return parts.join(' | ');
}

/** Every reading of a meter on the ledger, oldest first, read by PTB's auditor. */
let auditorConnection: Promise<MeterledgerConnection> | undefined;

export async function ledgerReadings(meterId: string): Promise<ReadingRecord[]> {
  auditorConnection ??= connection('PTB', 'auditor');
  const auditor = (await auditorConnection).contract(READINGS_CONTRACT);
  const all: ReadingRecord[] = [];
  let bookmark = '';
  do {
    const page: Page<ReadingRecord> = await auditor.evaluate('listReadings', { meterId, pageSize: 500, ...(bookmark ? { bookmark } : {}) });
    all.push(...page.items);
    bookmark = page.bookmark;
  } while (bookmark);
  return all;
}
