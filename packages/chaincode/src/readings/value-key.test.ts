import { compareDecimals } from '@meterledger/contract-api';
import { valueKey } from './value-key';
import { seededRandom } from '../testing/random';

function randomDecimal(rand: () => number): string {
  const sign = rand() < 0.4 ? '-' : '';
  const int = rand() < 0.3 ? '0' : String(Math.floor(rand() * 10 ** Math.floor(rand() * 6)));
  const frac = rand() < 0.5 ? '' : `.${String(Math.floor(rand() * 10 ** 4)).padStart(Math.ceil(rand() * 5), '0')}`;
  return `${sign}${int}${frac}`;
}


describe('valueKey', () => {
  it('orders like the numbers, and equal values of any scale share a key', () => {
    const rand = seededRandom(7);
    const values = Array.from({ length: 3000 }, () => randomDecimal(rand));
    values.push('0', '-0.0', '0.000', '1', '1.0', '10', '-1', '-10', '-0.001', '0.001', '999999.9999', '-999999.9999');
    for (let i = 0; i < values.length - 1; i++) {
      const a = values[i];
      const b = values[i + 1];
      const byKey = valueKey(a) < valueKey(b) ? -1 : valueKey(a) > valueKey(b) ? 1 : 0;
      expect([a, b, byKey]).toEqual([a, b, compareDecimals(a, b)]);
    }
  });

  it.each([
    ['1.5', '1.50'],
    ['-0', '0.000'],
    ['100', '100.00'],
  ])('%s and %s share one key', (a, b) => {
    expect(valueKey(a)).toBe(valueKey(b));
  });

  it('sorts a known list', () => {
    const sorted = ['-100', '-10.5', '-10', '-1', '-0.5', '-0.05', '0', '0.05', '0.5', '1', '1.05', '10', '10.5', '100'];
    expect([...sorted].sort((a, b) => (valueKey(a) < valueKey(b) ? -1 : 1))).toEqual(sorted);
  });
});
