import { generateSoftwareSigner, type SoftwareSigner } from '@meterledger/crypto';
import { READINGS_LIMITS } from '@meterledger/contract-api';
import { ChaincodeError } from '../ledger/errors';
import { parseRequest } from '../registry/requests';
import { callers, possessionProof, registration } from '../testing/fixtures';
import { ReadingsDriver, readingCallers, v1Item } from '../testing/readings-driver';
import { submitReadings } from './submit';

const T = '2026-03-01T10:00';

describe('submitReadings', () => {
  let driver: ReadingsDriver;
  let meter: SoftwareSigner;

  beforeEach(async () => {
    driver = new ReadingsDriver();
    await driver.init();
    meter = generateSoftwareSigner('ecdsa-p256-sha256');
    await driver.registerActive(meter, 'm-1');
  });

  const at = `${T}:59Z`;

  it('accepts signed readings, answers a resubmission as duplicate and never counts it twice', async () => {
    const items = [v1Item(meter, { meterId: 'm-1', time: `${T}:01Z`, value: '20.5' }), v1Item(meter, { meterId: 'm-1', time: `${T}:02+00:00`, value: '21.5' })];
    const first = await driver.submit(items, { at });
    expect(first).toMatchObject({ accepted: 2, duplicates: 0, rejected: 0 });
    expect(first.outcomes.map((o) => [o.status, o.time])).toEqual([
      ['accepted', `${T}:01.000Z`],
      ['accepted', `${T}:02.000Z`],
    ]);
    const again = await driver.submit(items, { at });
    expect(again).toMatchObject({ accepted: 0, duplicates: 2, rejected: 0 });
    const total = await driver.aggregateRange({ meterId: 'm-1', from: `${T}:00Z`, to: `${T}:59Z` });
    expect(total).toMatchObject({ count: 2, sum: '42.0', min: '20.5', max: '21.5', avg: '21.000000' });
  });

  it('rejects per reading with a stable code and keeps the rest of the batch', async () => {
    const stranger = generateSoftwareSigner('ecdsa-p256-sha256');
    const result = await driver.submit(
      [
        v1Item(meter, { meterId: 'm-1', time: `${T}:01Z`, value: '1' }),
        v1Item(stranger, { meterId: 'm-1', time: `${T}:02Z`, value: '2' }),
        v1Item(meter, { meterId: 'm-unknown', time: `${T}:03Z`, value: '3' }),
        v1Item(meter, { meterId: 'm-1', time: '1978-01-01T00:00:00Z', value: '4' }),
        v1Item(meter, { meterId: 'm-1', time: '2026-03-01T11:00:00Z', value: '5' }),
        { format: 'meterledger-v1', payload: '{"format":"meterledger-v1"}' },
        { ...v1Item(meter, { meterId: 'm-1', time: `${T}:04Z`, value: '6' }), meterId: 'm-2' },
        v1Item(meter, { meterId: 'm-1', time: `${T}:05Z`, value: '7' }),
      ],
      { at },
    );
    expect(result.outcomes.map((o) => o.code ?? o.status)).toEqual([
      'accepted',
      'SIGNATURE_MISMATCH',
      'UNKNOWN_METER',
      'CLOCK_SKEW',
      'CLOCK_SKEW',
      'MALFORMED_READING',
      'METER_ID_MISMATCH',
      'accepted',
    ]);
    for (const o of result.outcomes.filter((x) => x.status === 'rejected')) expect(o.message).toMatch(/\S/);
    expect((await driver.aggregateRange({ meterId: 'm-1', from: `${T}:00Z`, to: `${T}:59Z` })).count).toBe(2);
  });

  it('a batch of rejections writes nothing', async () => {
    const before = driver.ledger.snapshot();
    const result = await driver.submit([v1Item(meter, { meterId: 'm-1', time: '1978-01-01T00:00:00Z', value: '4' })], { at });
    expect(result.rejected).toBe(1);
    expect(driver.ledger.snapshot()).toEqual(before);
  });

  it('a different reading at the same instant is a conflict, not a duplicate', async () => {
    await driver.submit([v1Item(meter, { meterId: 'm-1', time: `${T}:01Z`, value: '1' })], { at });
    const result = await driver.submit([v1Item(meter, { meterId: 'm-1', time: `${T}:01Z`, value: '2' })], { at });
    expect(result.outcomes[0]).toMatchObject({ status: 'rejected', code: 'READING_CONFLICT' });
  });

  it('checks the key valid at the reading time: revoked meters, readings before activation, rotated keys', async () => {
    const early = await driver.submit([v1Item(meter, { meterId: 'm-1', time: '2025-12-31T23:59:00Z', value: '1' })], { at: '2026-01-01T00:00:30Z' });
    expect(early.outcomes[0].code).toBe('NO_KEY_VALID_AT_TIME');
    await driver.call('revokeMeter', callers.ptbRegistrar, { meterId: 'm-1', reason: 'keyCompromise', effectiveAt: `${T}:30Z` }, `${T}:40Z`);
    const result = await driver.submit(
      [v1Item(meter, { meterId: 'm-1', time: `${T}:10Z`, value: '1' }), v1Item(meter, { meterId: 'm-1', time: `${T}:31Z`, value: '2' })],
      { at },
    );
    expect(result.outcomes.map((o) => o.code ?? o.status)).toEqual(['accepted', 'METER_REVOKED']);
  });

  it('enforces order for sequenced readings: replay, out of order', async () => {
    const r = (s: number, second: string) => v1Item(meter, { meterId: 'm-1', time: `${T}:${second}Z`, value: '1', sequence: s });
    const result = await driver.submit([r(1, '01'), r(2, '02'), r(2, '03'), r(3, '00'), r(4, '04')], { at });
    expect(result.outcomes.map((o) => o.code ?? o.status)).toEqual(['accepted', 'accepted', 'SEQUENCE_REPLAYED', 'OUT_OF_ORDER', 'accepted']);
    const later = await driver.submit([r(3, '05')], { at });
    expect(later.outcomes[0].code).toBe('SEQUENCE_REPLAYED');
  });

  it('a cumulative register must not decrease under one key, and may restart under a new key', async () => {
    const kwh = (signer: SoftwareSigner, second: string, value: string) => v1Item(signer, { meterId: 'm-1', time: `${T}:${second}Z`, value, unit: 'kWh' });
    const result = await driver.submit([kwh(meter, '01', '10.5'), kwh(meter, '02', '10.4'), kwh(meter, '03', '10.6')], { at });
    expect(result.outcomes.map((o) => o.code ?? o.status)).toEqual(['accepted', 'TOTAL_DECREASED', 'accepted']);
    // a hard reset: new key, total back to 0, one history
    const next = generateSoftwareSigner('ecdsa-p256-sha256');
    await driver.call('rotateKey', callers.ptbRegistrar, { meterId: 'm-1', ...rotation(next) }, `${T}:10Z`);
    await driver.call('approveMeter', callers.inmetroRegistrar, { meterId: 'm-1', keyVersion: 2, proof: possessionProof(next, 'm-1') }, `${T}:11Z`);
    const after = await driver.submit([kwh(next, '20', '0.1')], { at });
    expect(after.outcomes[0]).toMatchObject({ status: 'accepted' });
    const [stored] = (await driver.getReadingsAt({ meterId: 'm-1', times: [`${T}:20Z`] })).readings;
    expect(stored).toMatchObject({ keyVersion: 2, reset: 'key-rotation', cumulative: true });
    expect((await driver.listReadings({ meterId: 'm-1' })).items.map((i) => i.keyVersion)).toEqual([1, 1, 2]);
  });

  it('only gateways submit', async () => {
    const request = parseRequest('submitReadings', JSON.stringify({ readings: [v1Item(meter, { meterId: 'm-1', time: `${T}:01Z`, value: '1' })] }));
    for (const caller of [readingCallers.auditor, readingCallers.noRole, callers.ptbRegistrar]) {
      await driver.expectRejected(() => driver.ledger.transact((state, tx) => submitReadings(state, caller, tx, request), at), 'UNAUTHORIZED');
    }
  });

  it('refuses batches above the documented limit as a whole', () => {
    const items = Array.from({ length: READINGS_LIMITS.maxBatchItems + 1 }, () => ({ format: 'meterledger-v1', payload: '{}' }));
    expect(() => parseRequest('submitReadings', JSON.stringify({ readings: items }))).toThrow(ChaincodeError);
  });

  it('concurrent gateways on the same meters, same minute: no MVCC conflicts (unordered readings)', async () => {
    const other = generateSoftwareSigner('ed25519');
    await driver.registerActive(other, 'm-2');
    const batch = (gateway: number) =>
      [0, 1, 2].flatMap((i) => [
        v1Item(meter, { meterId: 'm-1', time: `${T}:${String(gateway * 10 + i).padStart(2, '0')}Z`, value: String(gateway) }),
        v1Item(other, { meterId: 'm-2', time: `${T}:${String(gateway * 10 + i).padStart(2, '0')}Z`, value: String(gateway) }),
      ]);
    const simulated = [];
    for (const g of [0, 1, 2, 3, 4]) {
      const txn = driver.ledger.begin({ at });
      const request = parseRequest('submitReadings', JSON.stringify({ readings: batch(g), group: 'site-1' }));
      const result = await submitReadings(txn, g % 2 ? readingCallers.gateway : readingCallers.gateway2, txn.tx, request);
      expect(result.result.accepted).toBe(6);
      simulated.push(txn);
    }
    expect(simulated.map((txn) => driver.ledger.commit(txn))).toEqual(['VALID', 'VALID', 'VALID', 'VALID', 'VALID']);
    expect(await driver.aggregateRange({ group: 'site-1', from: `${T}:00Z`, to: `${T}:59Z` })).toMatchObject({ count: 30, sum: '60' });
  });

  it('ordered readings of one meter in two concurrent transactions: the later one is invalidated (head key)', async () => {
    const txns = [];
    for (const s of [1, 2]) {
      const txn = driver.ledger.begin({ at });
      const request = parseRequest('submitReadings', JSON.stringify({ readings: [v1Item(meter, { meterId: 'm-1', time: `${T}:0${s}Z`, value: '1', sequence: s })] }));
      await submitReadings(txn, readingCallers.gateway, txn.tx, request);
      txns.push(txn);
    }
    expect(txns.map((txn) => driver.ledger.commit(txn))).toEqual(['VALID', 'MVCC_READ_CONFLICT']);
  });
});

function rotation(signer: SoftwareSigner) {
  const { scheme, publicKey } = registration(signer, 'm-1');
  return { scheme, publicKey, proof: possessionProof(signer, 'm-1') };
}
