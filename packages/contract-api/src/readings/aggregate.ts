/**
 * Exact decimal arithmetic and the aggregate A = (sum, count, min, max) of meter readings
 * (paper 001, Sobecki et al. 2022, section 4.2), designed to be merged from partial aggregates.
 *
 * Values are decimal strings, held internally as a scaled BigInt: value = coefficient × 10^-scale.
 * Accepted syntax: optional "-", one or more digits, optionally "." and one or more digits
 * (no "+", no exponent, no whitespace, no ".5" or "5."). Leading zeros are accepted and dropped; "-0.000" is zero.
 *
 * Canonical output keeps the scale: "1.000" + "2" = "3.000" (the scale of a sum is the largest scale of
 * its terms). Since max, addition and the total order below are associative and commutative, merging
 * partial aggregates in any order and grouping yields byte-identical strings.
 */

/** Upper bound on a decimal string's length, so that a hostile argument cannot cost unbounded work. */
export const MAX_DECIMAL_LENGTH = 1000;
/** Upper bound on `decimals` of `average`. */
export const MAX_AVERAGE_DECIMALS = 100;

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

export interface Decimal {
  coefficient: bigint;
  scale: number;
}

export function parseDecimal(value: string): Decimal {
  if (typeof value !== 'string') throw new Error('decimal value must be a string');
  if (value.length > MAX_DECIMAL_LENGTH) {
    throw new Error(`decimal value longer than ${MAX_DECIMAL_LENGTH} characters`);
  }
  const m = DECIMAL.exec(value);
  if (!m) throw new Error(`"${value}" is not a decimal number (expected e.g. "12", "-0.5", "1.000")`);
  const fraction = m[3] ?? '';
  const magnitude = BigInt(m[2] + fraction);
  return { coefficient: m[1] === '-' ? -magnitude : magnitude, scale: fraction.length };
}

function formatDecimal({ coefficient, scale }: Decimal): string {
  const negative = coefficient < 0n;
  const digits = (negative ? -coefficient : coefficient).toString().padStart(scale + 1, '0');
  const integer = digits.slice(0, digits.length - scale);
  const body = scale === 0 ? integer : `${integer}.${digits.slice(digits.length - scale)}`;
  return negative ? `-${body}` : body;
}

function rescale(d: Decimal, scale: number): bigint {
  return d.coefficient * 10n ** BigInt(scale - d.scale);
}

/** The canonical spelling of a decimal: no leading zeros, no negative zero, scale kept ("-00.50" → "-0.50"). */
export function canonicalDecimal(value: string): string {
  return formatDecimal(parseDecimal(value));
}

/** Exact sum; the result has the larger of the two scales. */
export function addDecimals(a: string, b: string): string {
  const x = parseDecimal(a);
  const y = parseDecimal(b);
  const scale = Math.max(x.scale, y.scale);
  return formatDecimal({ coefficient: rescale(x, scale) + rescale(y, scale), scale });
}

/** Numeric comparison: -1, 0 or 1 ("1.0" and "1.00" compare equal). */
export function compareDecimals(a: string, b: string): -1 | 0 | 1 {
  const x = parseDecimal(a);
  const y = parseDecimal(b);
  const scale = Math.max(x.scale, y.scale);
  const p = rescale(x, scale);
  const q = rescale(y, scale);
  return p < q ? -1 : p > q ? 1 : 0;
}

/**
 * Total order used for min and max: by numeric value, and among equal values by scale ("1.0" < "1.00").
 * A total order (rather than a numeric tie) keeps min/max byte-identical whatever the merge order.
 */
function compareTotal(a: string, b: string): number {
  const byValue = compareDecimals(a, b);
  return byValue !== 0 ? byValue : parseDecimal(a).scale - parseDecimal(b).scale;
}

/**
 * sum, min and max are canonical decimal strings. The empty aggregate has sum "0", count 0 and
 * min = max = "" (there is no extreme of no values).
 */
export interface Aggregate {
  sum: string;
  count: number;
  min: string;
  max: string;
}

export function emptyAggregate(): Aggregate {
  return { sum: '0', count: 0, min: '', max: '' };
}

/** Checks the shape and invariants of an aggregate (e.g. one read back from the ledger); returns it canonical. */
export function checkAggregate(a: Aggregate): Aggregate {
  if (a === null || typeof a !== 'object') throw new Error('aggregate must be an object');
  if (!Number.isSafeInteger(a.count) || a.count < 0) throw new Error('aggregate count must be a non-negative integer');
  const sum = canonicalDecimal(a.sum);
  if (a.count === 0) {
    if (a.min !== '' || a.max !== '' || parseDecimal(sum).coefficient !== 0n) {
      throw new Error('an aggregate of no values must have sum 0 and empty min and max');
    }
    return { sum, count: 0, min: '', max: '' };
  }
  const min = canonicalDecimal(a.min);
  const max = canonicalDecimal(a.max);
  if (compareDecimals(min, max) > 0) throw new Error('aggregate min is greater than its max');
  return { sum, count: a.count, min, max };
}

/** The aggregate with one more reading. Does not modify `a`. */
export function addValue(a: Aggregate, value: string): Aggregate {
  const v = canonicalDecimal(value);
  return mergeAggregates(a, { sum: v, count: 1, min: v, max: v });
}

/** The aggregate of a list of readings. */
export function aggregateOf(values: readonly string[]): Aggregate {
  return values.reduce<Aggregate>((acc, v) => addValue(acc, v), emptyAggregate());
}

/**
 * Merge of two partial aggregates: associative and commutative, with emptyAggregate() as identity,
 * and byte-identical whatever the order or grouping.
 */
export function mergeAggregates(a: Aggregate, b: Aggregate): Aggregate {
  const x = checkAggregate(a);
  const y = checkAggregate(b);
  if (x.count === 0) return y;
  if (y.count === 0) return x;
  const count = x.count + y.count;
  if (!Number.isSafeInteger(count)) throw new RangeError('aggregate count overflow');
  return {
    sum: addDecimals(x.sum, y.sum),
    count,
    min: compareTotal(x.min, y.min) <= 0 ? x.min : y.min,
    max: compareTotal(x.max, y.max) >= 0 ? x.max : y.max,
  };
}

/**
 * sum / count with exactly `decimals` fraction digits, rounded half-to-even (banker's rounding, as
 * IEEE 754 and Java's RoundingMode.HALF_EVEN: the tie 0.5 → 0, 1.5 → 2, -2.5 → -2). Throws on an empty aggregate.
 */
export function average(a: Aggregate, decimals = 6): string {
  if (!Number.isSafeInteger(decimals) || decimals < 0 || decimals > MAX_AVERAGE_DECIMALS) {
    throw new Error(`decimals must be an integer from 0 to ${MAX_AVERAGE_DECIMALS}`);
  }
  const x = checkAggregate(a);
  if (x.count === 0) throw new Error('the average of an empty aggregate is undefined');
  const sum = parseDecimal(x.sum);
  // average × 10^decimals = coefficient × 10^(decimals - scale) / count
  let numerator = sum.coefficient;
  let denominator = BigInt(x.count);
  if (decimals >= sum.scale) numerator *= 10n ** BigInt(decimals - sum.scale);
  else denominator *= 10n ** BigInt(sum.scale - decimals);
  const negative = numerator < 0n;
  const magnitude = negative ? -numerator : numerator;
  let quotient = magnitude / denominator;
  const twiceRemainder = (magnitude % denominator) * 2n;
  if (twiceRemainder > denominator || (twiceRemainder === denominator && quotient % 2n === 1n)) quotient += 1n;
  return formatDecimal({ coefficient: negative ? -quotient : quotient, scale: decimals });
}
