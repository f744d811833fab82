import { canonicalJson, encodeReadingV1, type SoftwareSigner } from '@meterledger/crypto';
import type { SubmittedReading } from '@meterledger/contract-api';
import type { Caller } from '../ledger/caller';
import * as readings from '../readings';
import { parseRequest } from '../registry/requests';
import { callers } from './fixtures';
import { RegistryDriver } from './registry-driver';

export const readingCallers = {
  gateway: { mspId: 'OperatorMSP', id: 'x509::/CN=gateway::/CN=ca.operator', role: 'gateway' },
  gateway2: { mspId: 'OperatorMSP', id: 'x509::/CN=gateway2::/CN=ca.operator', role: 'gateway' },
  auditor: { mspId: 'PTBMSP', id: 'x509::/CN=auditor::/CN=ca.ptb', role: 'auditor' },
  noRole: callers.ptbNoRole,
} satisfies Record<string, Caller>;

export interface V1Reading {
  meterId: string;
  time: string;
  value: string;
  unit?: string;
  sequence?: number | null;
}

/** A meterledger-v1 message as a device sends it, signed by `signer`. */
export function v1Payload(signer: SoftwareSigner, r: V1Reading): string {
  const fields = { meterId: r.meterId, time: r.time, value: r.value, unit: r.unit ?? 'Cel', sequence: r.sequence ?? null };
  const signature = Buffer.from(signer.sign(encodeReadingV1(fields))).toString('base64');
  return canonicalJson({ format: 'meterledger-v1', ...fields, scheme: signer.scheme, signature });
}

export function v1Item(signer: SoftwareSigner, r: V1Reading): SubmittedReading {
  return { format: 'meterledger-v1', payload: v1Payload(signer, r) };
}

/**
 * The readings contract's domain functions over the registry driver's MemoryLedger, called the way the
 * contract calls them (JSON text parsed by the wire schemas).
 */
export class ReadingsDriver extends RegistryDriver {
  submit(items: SubmittedReading[], options: { group?: string; at?: string; caller?: Caller } = {}) {
    const request = parseRequest('submitReadings', JSON.stringify({ readings: items, ...(options.group ? { group: options.group } : {}) }));
    return this.ledger.transact(async (state, tx) => (await readings.submitReadings(state, options.caller ?? readingCallers.gateway, tx, request)).result, options.at);
  }

  seal(series: { meterId: string } | { group: string }, until: string, at?: string) {
    const request = parseRequest('sealWindows', JSON.stringify({ ...series, until }));
    return this.ledger.transact((state, tx) => readings.sealWindows(state, readingCallers.auditor, tx, request), at);
  }

  aggregateRange(query: object) {
    const request = parseRequest('aggregateRange', JSON.stringify(query));
    return this.ledger.transact((state) => readings.aggregateRange(state, readingCallers.auditor, request));
  }

  countReadings(query: object, at?: string) {
    const request = parseRequest('countReadings', JSON.stringify(query));
    return this.ledger.transact((state, tx) => readings.countReadings(state, readingCallers.auditor, tx, request), at);
  }

  getReadingsAt(query: object) {
    const request = parseRequest('getReadingsAt', JSON.stringify(query));
    return this.ledger.transact((state) => readings.getReadingsAt(state, readingCallers.auditor, request));
  }

  listReadings(query: object) {
    const request = parseRequest('listReadings', JSON.stringify(query));
    return this.ledger.transact((state) => readings.listReadings(state, readingCallers.auditor, request));
  }

  findReadingsByValue(query: object) {
    const request = parseRequest('findReadingsByValue', JSON.stringify(query));
    return this.ledger.transact((state) => readings.findReadingsByValue(state, readingCallers.auditor, request));
  }

  listAggregates(query: object) {
    const request = parseRequest('listAggregates', JSON.stringify(query));
    return this.ledger.transact((state) => readings.listAggregates(state, readingCallers.auditor, request));
  }

  getSeal(query: object) {
    const request = parseRequest('getSeal', JSON.stringify(query));
    return this.ledger.transact((state) => readings.getSeal(state, readingCallers.auditor, request));
  }
}
