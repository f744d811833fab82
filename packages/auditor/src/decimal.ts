/**
 * Exact decimal arithmetic for recomputing aggregates from raw readings: values are decimal strings
 * ("-12.50"), held as a scaled BigInt. Same rules as the chaincode's (the sum keeps the largest scale of
 * its terms; min and max order by value, then by scale), so a recomputed aggregate can be compared with
 * the ledger's both numerically and as text.
 */

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

interface Decimal {
  coefficient: bigint;
  scale: number;
}

function parse(value: string): Decimal {
  const m = DECIMAL.exec(value);
  if (!m) throw new RangeError(`"${value}" is not a decimal number`);
  const fraction = m[3] ?? '';
  const magnitude = BigInt(m[2] + fraction);
  return { coefficient: m[1] === '-' ? -magnitude : magnitude, scale: fraction.length };
}

function format({ coefficient, scale }: Decimal): string {
  const negative = coefficient < 0n;
  const digits = (negative ? -coefficient : coefficient).toString().padStart(scale + 1, '0');
  const integer = digits.slice(0, digits.length - scale);
  const body = scale === 0 ? integer : `${integer}.${digits.slice(digits.length - scale)}`;
  return negative ? `-${body}` : body;
}

function rescale(d: Decimal, scale: number): bigint {
  return d.coefficient * 10n ** BigInt(scale - d.scale);
}

export function addDecimals(a: string, b: string): string {
  const x = parse(a);
  const y = parse(b);
  const scale = Math.max(x.scale, y.scale);
  return format({ coefficient: rescale(x, scale) + rescale(y, scale), scale });
}

/** Numeric comparison ("1.0" equals "1.00"). */
export function compareDecimals(a: string, b: string): -1 | 0 | 1 {
  const x = parse(a);
  const y = parse(b);
  const scale = Math.max(x.scale, y.scale);
  const p = rescale(x, scale);
  const q = rescale(y, scale);
  return p < q ? -1 : p > q ? 1 : 0;
}

function compareTotal(a: string, b: string): number {
  return compareDecimals(a, b) || parse(a).scale - parse(b).scale;
}

/** sum, count, min, max of values; no values: sum '0', min and max ''. */
export interface RecomputedAggregate {
  sum: string;
  count: number;
  min: string;
  max: string;
}

export function aggregateOfValues(values: readonly string[]): RecomputedAggregate {
  let sum = '0';
  let min = '';
  let max = '';
  for (const value of values) {
    const v = format(parse(value));
    sum = addDecimals(sum, v);
    if (min === '' || compareTotal(v, min) < 0) min = v;
    if (max === '' || compareTotal(v, max) > 0) max = v;
  }
  return { sum, count: values.length, min, max };
}

/** Equal as numbers (empty strings equal only each other). */
export function sameDecimal(a: string, b: string): boolean {
  if (a === '' || b === '') return a === b;
  return compareDecimals(a, b) === 0;
}
