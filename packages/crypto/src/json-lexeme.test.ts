import { CryptoError } from './errors';
import { parseJsonWithLexemes } from './json-lexeme';

const code = (text: string) => {
  try {
    parseJsonWithLexemes(text, 'doc');
  } catch (err) {
    return err instanceof CryptoError ? err.code : 'OTHER';
  }
  return 'OK';
};

describe('parseJsonWithLexemes', () => {
  it('reads what JSON.parse reads, and keeps every number as written, keyed by JSON Pointer', () => {
    const text = '{"a":1.000,"b":[0,{"c~/d":-2.50e+3}],"e":"x\\"y\\\\z\\u00e9\\n","f":true,"g":null,"h":false}';
    const { value, numbers } = parseJsonWithLexemes(text, 'doc');
    expect(value).toEqual(JSON.parse(text));
    expect([...numbers]).toEqual([
      ['/a', '1.000'],
      ['/b/0', '0'],
      ['/b/1/c~0~1d', '-2.50e+3'],
    ]);
    expect(parseJsonWithLexemes(' 7 ', 'doc').numbers.get('')).toBe('7');
  });

  it('keeps strings with and without escapes exactly', () => {
    for (const s of ['', 'plain', 'a\\b', 'tab\there', 'quote"', '\u00e9\u{1F600}', '\\u0041 literal', 'end\\']) {
      expect(parseJsonWithLexemes(JSON.stringify({ s }), 'doc').value).toEqual({ s });
    }
    expect(parseJsonWithLexemes('"\\ud83d\\ude00"', 'doc').value).toBe('\u{1F600}'); // an escaped pair is one code point
  });

  it('makes a "__proto__" key an own property, never the prototype', () => {
    const { value } = parseJsonWithLexemes('{"__proto__":{"polluted":1},"a":2}', 'doc') as { value: Record<string, unknown> };
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(['__proto__', 'a']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each([
    ['a duplicate key', '{"a":1,"a":2}'],
    ['a lone escaped surrogate', '"\\ud800"'],
    ['a lone literal surrogate', '"\ud800x"'],
    ['a reversed pair', '"\\ude00\\ud83d"'],
    ['a control character', '"a\nb"'],
    ['a bad escape', '"\\x41"'],
    ['a short \\u escape', '"\\u12"'],
    ['an unterminated string', '"abc'],
    ['a leading zero', '05'],
    ['an overflowing number', '1e400'],
    ['trailing text', '{} x'],
    ['a bare word', 'nul'],
    ['deep nesting', '['.repeat(66) + ']'.repeat(66)],
  ])('rejects %s with MALFORMED_READING', (_what, text) => {
    expect(code(text)).toBe('MALFORMED_READING');
  });
});
