import { decodeBytes } from '@meterledger/crypto';
import { encodeSignature } from './signature-encoding';

describe('encodeSignature', () => {
  it('is base64 of the bytes', () => {
    expect(encodeSignature(new Uint8Array([48, 69, 2, 33]))).toBe('MEUCIQ==');
  });

  it('falls back to hex when the base64 text would be read as hex, and both decode alike on the peer', () => {
    const bytes = new Uint8Array(Buffer.from('deadbeef', 'base64')); // base64 text made only of hex digits
    expect(Buffer.from(bytes).toString('base64')).toBe('deadbeef');
    const sent = encodeSignature(bytes);
    expect(sent).toBe(Buffer.from(bytes).toString('hex'));
    expect(Buffer.from(decodeBytes(sent, 'signature'))).toEqual(Buffer.from(bytes));
  });

  it('respects the view of a larger buffer', () => {
    const backing = new Uint8Array([9, 48, 69, 2, 33, 9]);
    expect(encodeSignature(backing.subarray(1, 5))).toBe('MEUCIQ==');
  });
});
