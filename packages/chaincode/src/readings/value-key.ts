import { parseDecimal } from '@meterledger/contract-api';

/**
 * An order-preserving text encoding of decimals, for the value index (Q2): for any decimals a, b,
 * a < b numerically ⇔ valueKey(a) < valueKey(b) as strings (UTF-16 code unit order, which is also the
 * UTF-8 byte order Fabric's range queries use for these ASCII keys), and numerically equal values of any
 * scale ("1.5", "1.50") share one key.
 *
 * |v| = 0.m × 10^e with m the significant digits (no leading or trailing zeros). Then:
 *   zero      "O"
 *   positive  "P" + (e + 5000, 4 digits) + m
 *   negative  "N" + (4999 − e, 4 digits) + (each digit of m replaced by 9 − digit) + "~"
 * 'N' < 'O' < 'P'; a larger exponent means a larger magnitude; within one exponent, digit strings compare
 * as fractions (a proper prefix is smaller). For negatives the order is reversed by the complement, and the
 * "~" terminator (above every digit) makes a shorter magnitude (a larger negative number) sort after.
 * Decimals are at most 1000 characters (aggregate.ts), so e stays within ±1000.
 */
export function valueKey(value: string): string {
  const { coefficient, scale } = parseDecimal(value);
  if (coefficient === 0n) return 'O';
  const negative = coefficient < 0n;
  const digits = (negative ? -coefficient : coefficient).toString();
  const m = digits.replace(/0+$/, '');
  const e = digits.length - scale;
  if (!negative) return `P${String(e + 5000).padStart(4, '0')}${m}`;
  const complement = [...m].map((d) => String(9 - Number(d))).join('');
  return `N${String(4999 - e).padStart(4, '0')}${complement}~`;
}
