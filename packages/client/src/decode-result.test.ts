import { decodeResult } from './decode-result';
import { MeterledgerError } from './errors';

describe('decodeResult', () => {
  it('decodes UTF-8 JSON, and empty as undefined', () => {
    expect(decodeResult(Buffer.from('{"valid":true,"name":"Zähler"}'))).toEqual({ valid: true, name: 'Zähler' });
    expect(decodeResult(Buffer.from('42'))).toBe(42);
    expect(decodeResult(new Uint8Array())).toBeUndefined();
  });

  it('respects the byte offset of a view', () => {
    const backing = Buffer.from('xx{"a":1}yy');
    expect(decodeResult(new Uint8Array(backing.buffer, backing.byteOffset + 2, 7))).toEqual({ a: 1 });
  });

  it('raises MALFORMED_RESPONSE for anything that is not JSON instead of passing the text on', () => {
    let err: unknown;
    try {
      decodeResult(Buffer.from('plain text\nFORGED'), { fn: 'getMeter', transactionId: 'tx-9' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(MeterledgerError);
    expect(err).toMatchObject({ code: 'MALFORMED_RESPONSE', transactionId: 'tx-9', message: 'the result of getMeter is not JSON: "plain text\\nFORGED"' });
  });
});
