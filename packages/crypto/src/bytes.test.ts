import { decodeBase64Strict, decodeBytes, fromHex, toHex, utf8Bytes } from './bytes';
import { expectCode, hex } from './testing/fixtures';

describe('toHex / fromHex', () => {
  it('round-trips all byte values, lowercase out, either case in', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    const h = toHex(all);
    expect(h).toMatch(/^[0-9a-f]{512}$/);
    expect(fromHex(h)).toEqual(all);
    expect(fromHex(h.toUpperCase())).toEqual(all);
  });

  it('respects subarray views', () => {
    const buf = Uint8Array.of(1, 2, 3, 4);
    expect(toHex(buf.subarray(1, 3))).toBe('0203');
  });

  it('returns plain Uint8Arrays', () => {
    expect(fromHex('00ff')).toStrictEqual(Uint8Array.of(0, 255));
    expect(fromHex('')).toStrictEqual(new Uint8Array(0));
  });

  it.each(['abc', '0x00', 'zz', '00 ff', ' 00', '0g'])('rejects %j', (s) => {
    expectCode(() => fromHex(s), 'MALFORMED_ENCODING');
  });

  it('rejects non-strings and non-bytes', () => {
    expectCode(() => fromHex(1 as unknown as string), 'MALFORMED_ENCODING');
    expectCode(() => toHex('00' as unknown as Uint8Array), 'MALFORMED_ENCODING');
  });
});

describe('decodeBytes', () => {
  // Base64 test vectors from RFC 4648 section 10.
  it.each([
    ['Zg==', 'f'],
    ['Zm8=', 'fo'],
    ['Zm9v', 'foo'],
    ['Zm9vYg==', 'foob'],
    ['Zm9vYmE=', 'fooba'],
    ['Zm9vYmFy', 'foobar'],
    ['Zg', 'f'],
    ['Zm8', 'fo'],
  ])('decodes base64 %j (RFC 4648 section 10)', (encoded, text) => {
    expect(decodeBytes(encoded, 'x')).toEqual(new Uint8Array(Buffer.from(text)));
  });

  it('decodes base64url with and without padding', () => {
    const bytes = Uint8Array.of(0xfb, 0xff, 0xbf, 0xfe);
    expect(decodeBytes('-_-__g', 'x')).toEqual(bytes);
    expect(decodeBytes('-_-__g==', 'x')).toEqual(bytes);
    expect(decodeBytes('+/+//g==', 'x')).toEqual(bytes);
  });

  it('prefers hex when a string is valid hex', () => {
    expect(decodeBytes('deadbeef', 'x')).toEqual(hex('deadbeef'));
    expect(decodeBytes('DEADBEEF', 'x')).toEqual(hex('deadbeef'));
  });

  it('falls back to base64 for strings that are not hex', () => {
    // 'abc' has odd length, so it is not hex; as unpadded base64 it is 0x69 0xb7.
    expect(decodeBytes('abc', 'x')).toEqual(hex('69b7'));
    // 'abd' would need non-zero unused bits: not canonical base64 either.
    expectCode(() => decodeBytes('abd', 'x'), 'MALFORMED_ENCODING');
  });

  it('passes bytes through unchanged', () => {
    const b = Uint8Array.of(1, 2, 3);
    expect(decodeBytes(b, 'x')).toBe(b);
  });

  it.each([
    ['', 'empty'],
    ['Zg=', 'wrong padding'],
    ['Zg===', 'too much padding'],
    ['Zh==', 'non-zero unused bits'],
    ['Zm9v\nYmFy', 'embedded newline'],
    [' Zm9v', 'leading space'],
    ['-_+/', 'mixed alphabets'],
    ['Z', 'single character'],
    ['Zm9vY', '4n+1 characters'],
    ['Zm=9v', 'padding in the middle'],
    ['Zm9v!', 'foreign character'],
  ])('rejects %j (%s)', (s) => {
    const err = expectCode(() => decodeBytes(s, 'the signature'), 'MALFORMED_ENCODING');
    expect(err.message).toContain('the signature');
  });

  it('rejects non-string, non-bytes input', () => {
    expectCode(() => decodeBytes(42 as unknown as string, 'x'), 'MALFORMED_ENCODING');
    expectCode(() => decodeBytes([1, 2] as unknown as string, 'x'), 'MALFORMED_ENCODING');
  });

  it('decodeBase64Strict returns undefined rather than throwing', () => {
    expect(decodeBase64Strict('Zh==')).toBeUndefined();
    expect(decodeBase64Strict('Zg==')).toEqual(Uint8Array.of(0x66));
  });
});

describe('decodeBase64Strict against its definition', () => {
  // The definition: one alphabet, only its characters, padding absent or exact, canonical for its bytes.
  const definition = (s: string): Uint8Array | undefined => {
    const url = /[-_]/.test(s);
    if (!(url ? /^[A-Za-z0-9_-]+={0,2}$/ : /^[A-Za-z0-9+/]+={0,2}$/).test(s)) return undefined;
    const bytes = Buffer.from(s, 'base64');
    let again = bytes.toString('base64');
    if (url) again = again.replace(/\+/g, '-').replace(/\//g, '_');
    if (!s.endsWith('=')) again = again.replace(/=+$/, '');
    return again === s ? new Uint8Array(bytes) : undefined;
  };

  it('agrees on 20,000 random strings, valid and invalid', () => {
    const alphabet = 'ABCZabcz0189+/-_= \n.*\u00e9';
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (let i = 0; i < 20_000; i++) {
      // half of them valid encodings (possibly spoiled by one character), half random text
      let s: string;
      if (i % 2 === 0) {
        const bytes = Buffer.from(Array.from({ length: next() % 12 }, () => next() % 256));
        s = i % 4 === 0 ? bytes.toString('base64') : bytes.toString('base64url');
        if (next() % 3 === 0 && s.length > 0) {
          const at = next() % s.length;
          s = s.slice(0, at) + alphabet[next() % alphabet.length] + s.slice(at + 1);
        }
      } else {
        s = Array.from({ length: next() % 10 }, () => alphabet[next() % alphabet.length]).join('');
      }
      expect([s, decodeBase64Strict(s)]).toEqual([s, definition(s)]);
    }
  });
});

describe('utf8Bytes', () => {
  it('encodes strings as UTF-8, including astral characters', () => {
    expect(toHex(utf8Bytes('€😀', 'm'))).toBe('e282acf09f9880');
  });

  it('rejects lone surrogates, which have no UTF-8 encoding', () => {
    expectCode(() => utf8Bytes('a\ud800b', 'm'), 'MALFORMED_ENCODING');
    expectCode(() => utf8Bytes('\udc00', 'm'), 'MALFORMED_ENCODING');
  });
});
