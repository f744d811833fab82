import * as api from './index';
import { CryptoError, isSignatureScheme, SIGNATURE_SCHEMES } from './index';

describe('schemes', () => {
  it('lists the three schemes, immutably', () => {
    expect(SIGNATURE_SCHEMES).toEqual(['ecdsa-p256-sha256', 'ecdsa-secp256k1-sha256', 'ed25519']);
    expect(Object.isFrozen(SIGNATURE_SCHEMES)).toBe(true);
  });

  it('isSignatureScheme is an exact, case-sensitive match', () => {
    for (const s of SIGNATURE_SCHEMES) expect(isSignatureScheme(s)).toBe(true);
    for (const x of ['ECDSA-P256-SHA256', 'ed448', '', ' ed25519', null, undefined, 1, {}, ['ed25519']]) {
      expect(isSignatureScheme(x)).toBe(false);
    }
  });
});

describe('CryptoError', () => {
  it('carries code, name, message and cause', () => {
    const cause = new Error('inner');
    const err = new CryptoError('MALFORMED_KEY', 'bad key', { cause });
    expect(err).toBeInstanceOf(Error);
    expect(err).toBeInstanceOf(CryptoError);
    expect(err.name).toBe('CryptoError');
    expect(err.code).toBe('MALFORMED_KEY');
    expect(err.message).toBe('bad key');
    expect(err.cause).toBe(cause);
    expect(String(err)).toBe('CryptoError: bad key');
  });
});

describe('public API surface', () => {
  it('exports exactly the documented runtime names', () => {
    expect(Object.keys(api).sort()).toEqual(
      [
        'CryptoError',
        'MS_PER_DAY',
        'MS_PER_HOUR',
        'MS_PER_MINUTE',
        'SIGNATURE_SCHEMES',
        'civilFromDays',
        'daysFromCivil',
        'daysInMonth',
        'formatUtcMillis',
        'isLeapYear',
        'isRfc3339',
        'parseRfc3339',
        'toUtcRfc3339',
        'buildPossessionChallenge',
        'canonicalJson',
        'decodeBytes',
        'encodeDerSignature',
        'encodeReadingV1',
        'encodeChainedPayload',
        'signChainedPacket',
        'CHAINED_ZERO_HASH',
        'interpretReading',
        'ENERGY_UNITS',
        'parseSignedReading',
        'SIGNED_READING_FORMATS',
        'fromHex',
        'generateSoftwareSigner',
        'isSignatureScheme',
        'parsePublicKey',
        'sha256',
        'sha256Hex',
        'signEcdsaSha256LowS',
        'softwareSignerFromPrivateKeyPem',
        'toHex',
        'verifySignature',
        'softwareDeviceSigner',
        'TICKET_FORMAT_V1',
        'WEIGHT_UNITS',
        'MAX_TICKET_CELLS',
        'checkTicketV1',
        'encodeTicketV1',
        'encodeTicketDisclosure',
        'parseSignedTicket',
        'ticketIdTime',
      ].sort(),
    );
  });
});
