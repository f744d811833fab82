import { sha256 as nobleSha256 } from '@noble/hashes/sha2';
import { sha256, sha256Hex } from './hash';
import { toHex } from './bytes';

describe('sha256', () => {
  // FIPS 180-2 appendix B.1 / B.2 and the empty-string digest.
  it.each([
    ['', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    ['abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
    ['abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq', '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1'],
  ])('hashes %j (FIPS 180-2)', (input, digest) => {
    expect(sha256Hex(input)).toBe(digest);
    expect(toHex(sha256(new Uint8Array(Buffer.from(input))))).toBe(digest);
  });

  it('hashes strings as UTF-8 and agrees with @noble/hashes', () => {
    for (let n = 0; n < 200; n += 7) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 31 + n) & 0xff);
      expect(sha256(bytes)).toEqual(nobleSha256(bytes));
    }
    expect(sha256('€')).toEqual(nobleSha256(Uint8Array.of(0xe2, 0x82, 0xac)));
  });
});
