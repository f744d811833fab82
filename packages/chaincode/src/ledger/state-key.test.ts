import { KEY_END, splitStateKey, stateKey } from './state-key';

describe('stateKey', () => {
  it('joins type and attributes with U+0000, never starting with it (a simple key range queries can reach)', () => {
    expect(stateKey('meter', ['m-1'])).toBe('meter\u0000m-1\u0000');
    expect(stateKey('config')).toBe('config\u0000');
    expect(splitStateKey('verification\u0000m-1\u00002026\u0000tx1\u0000')).toEqual({ objectType: 'verification', attributes: ['m-1', '2026', 'tx1'] });
  });

  it('refuses parts that would make it ambiguous', () => {
    expect(() => stateKey('meter', ['a\u0000b'])).toThrow(/^INVALID_ARGUMENT: /);
    expect(() => stateKey('meter', [''])).toThrow(/^INVALID_ARGUMENT: /);
    expect(() => stateKey('')).toThrow(/^INVALID_ARGUMENT: /);
  });

  it('bounds every key of a prefix below prefix + KEY_END', () => {
    const prefix = stateKey('meter-by-manufacturer', ['ACME']);
    for (const id of ['m-1', 'zzz', 'Ωmega', '\u{10fffe}']) expect(stateKey('meter-by-manufacturer', ['ACME', id]) < prefix + KEY_END).toBe(true);
  });
});
