import type { KeyVersionRecord, ReadingRecord } from '@meterledger/contract-api';
import { generateSoftwareSigner, interpretReading, parseSignedReading, type SoftwareSigner } from '@meterledger/crypto';
import { v1Payload } from '../../chaincode/src/testing/readings-driver';
import { factsDifferences, verifyReadingOffline } from './verification';

/**
 * verifyReadingOffline against records built the way the chaincode builds them (interpretReading of the
 * signed payload): a good signature is not enough, the record must also say what the meter signed.
 */

function keyOf(signer: SoftwareSigner, over: Partial<KeyVersionRecord> = {}): KeyVersionRecord {
  return {
    version: 1,
    scheme: signer.scheme,
    publicKey: signer.publicKey,
    fingerprint: 'f',
    status: 'active',
    approvals: [],
    validFrom: '2026-01-01T00:00:00.000Z',
    validTo: null,
    ...over,
  } as KeyVersionRecord;
}

/** The ledger's record of a signed payload: its facts as interpretReading gives them. */
function recordOf(format: ReadingRecord['format'], payload: string, meterId: string, utcOffset?: string): ReadingRecord {
  const [facts] = interpretReading(parseSignedReading(format, payload), utcOffset ? { utcOffset } : {});
  return {
    meterId,
    time: facts.time,
    deviceTime: facts.deviceTime,
    value: facts.value,
    unit: facts.unit,
    sequence: facts.sequence,
    format,
    index: 0,
    payload,
    ...(utcOffset ? { utcOffset } : {}),
    digest: facts.digest,
    keyVersion: 1,
    cumulative: facts.cumulative,
    txId: 'tx',
    submittedBy: { mspId: 'OperatorMSP', id: 'gateway' },
    submittedAt: facts.time,
  };
}

/** A BC4P Tasmota message: Ed25519 over "<Time>,<Total>", Time in local time without an offset. */
function tasmotaPayload(signer: SoftwareSigner, time: string, total: string): string {
  const build = (hex: string) => `{"Time":"${time}","ENERGY":{"Total":${total},"Power":51},"Signature":"${hex}"}`;
  const { signedBytes } = parseSignedReading('bc4p-tasmota', build('0'.repeat(128)));
  return build(Buffer.from(signer.sign(signedBytes)).toString('hex'));
}

describe('verifyReadingOffline: the record must say what the meter signed', () => {
  const ecdsa = generateSoftwareSigner('ecdsa-p256-sha256');
  const v1 = recordOf('meterledger-v1', v1Payload(ecdsa, { meterId: 'm-1', time: '2026-01-02T10:00:00+01:00', value: '12.50', unit: 'kWh', sequence: 4 }), 'm-1');

  it('accepts a record equal to its signed payload', () => {
    expect(v1).toMatchObject({ time: '2026-01-02T09:00:00.000Z', value: '12.50', unit: 'kWh' });
    expect(verifyReadingOffline(v1, [keyOf(ecdsa)])).toEqual({ valid: true, meterId: 'm-1', time: v1.time, keyVersion: 1, digestMatches: true });
    expect(factsDifferences(v1, parseSignedReading('meterledger-v1', v1.payload))).toEqual([]);
  });

  it.each([
    ['value', { value: '99.50' }, /value "99.50", signed "12.50"/],
    ['value of another scale', { value: '12.5' }, /value "12.5", signed "12.50"/],
    ['time', { time: '2026-01-02T09:00:01.000Z' }, /time "2026-01-02T09:00:01.000Z", signed "2026-01-02T09:00:00.000Z"/],
    ['unit', { unit: 'Wh' }, /unit "Wh", signed "kWh"/],
    ['meterId', { meterId: 'm-2' }, /meterId "m-2", signed "m-1"/],
    ['sequence', { sequence: 5 }, /sequence 5, signed 4/],
  ] as const)('flags a record whose %s differs from the payload (FACTS_MISMATCH), though the signature verifies', (_, change, message) => {
    const result = verifyReadingOffline({ ...v1, ...change }, [keyOf(ecdsa)]);
    expect(result).toMatchObject({ valid: false, reason: 'FACTS_MISMATCH', digestMatches: true });
    expect(result.message).toMatch(message);
  });

  it('a tampered payload is a signature mismatch first', () => {
    const tampered = { ...v1, payload: v1.payload.replace('"value":"12.50"', '"value":"13.50"'), value: '13.50' };
    expect(verifyReadingOffline(tampered, [keyOf(ecdsa)])).toMatchObject({ valid: false, reason: 'SIGNATURE_MISMATCH', digestMatches: false });
  });

  it('Tasmota: local time placed by the declared utcOffset, kWh, the meterId from the submitter', () => {
    const ed = generateSoftwareSigner('ed25519');
    const plug = recordOf('bc4p-tasmota', tasmotaPayload(ed, '2026-01-02T11:00:00', '1.581'), 'plug-7', '+01:00');
    expect(plug).toMatchObject({ time: '2026-01-02T10:00:00.000Z', deviceTime: '2026-01-02T11:00:00', value: '1.581', unit: 'kWh' });
    expect(verifyReadingOffline(plug, [keyOf(ed)])).toMatchObject({ valid: true, digestMatches: true });
    // Another declared offset moves the signed time: the record's time no longer follows from it.
    expect(verifyReadingOffline({ ...plug, utcOffset: '+02:00' }, [keyOf(ed)])).toMatchObject({ valid: false, reason: 'FACTS_MISMATCH' });
    expect(verifyReadingOffline({ ...plug, value: '1.582' }, [keyOf(ed)])).toMatchObject({ valid: false, reason: 'FACTS_MISMATCH' });
    expect(verifyReadingOffline({ ...plug, unit: 'Wh' }, [keyOf(ed)])).toMatchObject({ valid: false, reason: 'FACTS_MISMATCH' });
  });

  it('a record naming a reading the payload does not hold', () => {
    expect(verifyReadingOffline({ ...v1, index: 1 }, [keyOf(ecdsa)])).toMatchObject({ valid: false, reason: 'FACTS_MISMATCH', message: expect.stringMatching(/index 1/) });
  });
});
