import { CryptoError } from './errors';

/**
 * Decimal numbers as devices print them, and the one canonical spelling the ledger stores.
 *
 * Accepted input: optional U+0020 spaces around the number, an optional "-", one or more digits
 * (leading zeros allowed) and an optional "." with one or more digits. Nothing else: no "+", no
 * exponent (it hides the stated scale), no "," (decimal comma or thousands separator?), no ".5"
 * or "5.", no tabs. Internal: not exported from the package.
 */
const DEVICE_DECIMAL = /^ *(-?)([0-9]+)(?:\.([0-9]+))? *$/;

/** True when `text` is a decimal as a device may print it (see the module comment). */
export function isDeviceDecimal(text: string): boolean {
  return DEVICE_DECIMAL.test(text);
}

/**
 * The canonical form of a device decimal: `-?(0|[1-9][0-9]*)(\.[0-9]+)?`, padding and leading zeros
 * removed, the stated scale kept ("1.500" stays "1.500", " 0001.581" becomes "1.581"), and a zero
 * never negative ("-0.0" becomes "0.0"). Throws MALFORMED_READING naming `field` for anything else.
 */
export function canonicalDecimal(text: string, field: string): string {
  const m = typeof text === 'string' ? DEVICE_DECIMAL.exec(text) : null;
  if (!m) {
    throw new CryptoError(
      'MALFORMED_READING',
      `${field} ${JSON.stringify(String(text))} is not a plain decimal number (digits, optionally "-" and a "." fraction; no exponent, "+" or ",")`,
    );
  }
  const [, sign, digits, fraction] = m;
  const integer = digits.replace(/^0+(?=[0-9])/, '');
  const isZero = integer === '0' && (fraction === undefined || /^0+$/.test(fraction));
  return `${sign && !isZero ? '-' : ''}${integer}${fraction === undefined ? '' : `.${fraction}`}`;
}
