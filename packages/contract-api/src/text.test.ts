import { controlCharacterProblem, escapeControlCharacters } from './text';

describe('free text rules', () => {
  it('finds the first forbidden character and says where', () => {
    expect(controlCharacterProblem('ACME Metering')).toBeUndefined();
    expect(controlCharacterProblem('Zähler 電表 🚀 ‎')).toBeUndefined();
    expect(controlCharacterProblem('a\u0000b')).toMatch(/U\+0000 at index 1/);
    expect(controlCharacterProblem('ab\u009f')).toMatch(/U\+009F at index 2/);
    expect(controlCharacterProblem('\u2029')).toMatch(/U\+2029/);
    expect(controlCharacterProblem('x\udc00')).toMatch(/U\+DC00/);
    expect(controlCharacterProblem('\ud83d\ude80')).toBeUndefined(); // a proper surrogate pair
  });

  it('escapes what it forbids and nothing else', () => {
    expect(escapeControlCharacters('fn\nINFO forged\r\u0000\u2028é')).toBe('fn\\u000aINFO forged\\u000d\\u0000\\u2028é');
  });
});
