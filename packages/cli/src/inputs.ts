import * as fs from 'node:fs';
import { MeterledgerError } from '@meterledger/client';
import { errorCodeForCryptoError, type CryptoSubject } from '@meterledger/contract-api';
import {
  CryptoError,
  SIGNATURE_SCHEMES,
  isSignatureScheme,
  parsePublicKey,
  softwareSignerFromPrivateKeyPem,
  type SignatureScheme,
  type SoftwareSigner,
} from '@meterledger/crypto';
import { InvalidArgumentError } from 'commander';
import { UsageError } from './exit-codes';

/** A MeterledgerError with the code the chaincode would give the same bad input. */
export function fromCryptoError(err: unknown, subject: CryptoSubject, what: string): unknown {
  if (!(err instanceof CryptoError)) return err;
  const code = errorCodeForCryptoError(err, subject);
  return new MeterledgerError({ code, message: `${code}: ${what}: ${err.message}`, cause: err });
}

function invalid(message: string, cause?: unknown): MeterledgerError {
  return new MeterledgerError({ code: 'INVALID_ARGUMENT', message: `INVALID_ARGUMENT: ${message}`, cause });
}

/** Read a file named on the command line; a missing or unreadable file is INVALID_ARGUMENT (exit 3). */
export function readInputFile(file: string, option: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    throw invalid(`cannot read ${option} ${file}: ${(err as Error).message}`, err);
  }
}

export function scheme(value: string | undefined, option = '--scheme'): SignatureScheme | undefined {
  if (value === undefined) return undefined;
  if (!isSignatureScheme(value)) throw new UsageError(`${option} must be one of ${SIGNATURE_SCHEMES.join(', ')}, got "${value}"`);
  return value;
}

/**
 * The JSON form of a software key file: `{"scheme": "<scheme>", "privateKeyPem": "-----BEGIN PRIVATE KEY-----…"}`.
 * The PEM form is an unencrypted PKCS#8 ('PRIVATE KEY') or SEC1 ('EC PRIVATE KEY') PEM, e.g. from openssl.
 */
export interface SoftwareKeyFile {
  scheme: SignatureScheme;
  privateKeyPem: string;
}

function parseKeyFileJson(text: string, file: string): { scheme?: string; pem: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw invalid(`--key-file ${file} is neither a PEM private key nor JSON: ${(err as Error).message}`, err);
  }
  const record = json as Partial<Record<keyof SoftwareKeyFile, unknown>> | null;
  if (typeof record !== 'object' || record === null || typeof record.privateKeyPem !== 'string') {
    throw invalid(`--key-file ${file}: a JSON key file must be {"scheme": "...", "privateKeyPem": "-----BEGIN PRIVATE KEY-----..."}`);
  }
  if (record.scheme !== undefined && typeof record.scheme !== 'string') throw invalid(`--key-file ${file}: "scheme" must be a string`);
  return { scheme: record.scheme, pem: record.privateKeyPem };
}

/**
 * A software signer from `--key-file` (PEM private key, or the JSON form above). The scheme is the one
 * given (`--scheme`, or the JSON's `scheme`); when neither names one, it is the one scheme whose curve the
 * key is on (the PEM names its curve, so this is never ambiguous). FOR TESTS AND DEMOS: a real meter
 * signs in its secure element.
 */
export function loadKeyFile(file: string, wanted?: SignatureScheme): SoftwareSigner {
  const text = readInputFile(file, '--key-file').toString('utf8').trim();
  const { scheme: declared, pem } = text.startsWith('{') ? parseKeyFileJson(text, file) : { scheme: undefined, pem: text };
  if (declared !== undefined && !isSignatureScheme(declared)) {
    throw new MeterledgerError({ code: 'UNKNOWN_SCHEME', message: `UNKNOWN_SCHEME: --key-file ${file} names scheme "${declared}"` });
  }
  if (wanted !== undefined && declared !== undefined && wanted !== declared) {
    throw new MeterledgerError({
      code: 'KEY_SCHEME_MISMATCH',
      message: `KEY_SCHEME_MISMATCH: --scheme ${wanted}, but --key-file ${file} is a ${declared} key`,
    });
  }
  const chosen = wanted ?? declared;
  const what = `--key-file ${file}`;
  if (chosen !== undefined) {
    try {
      return softwareSignerFromPrivateKeyPem(chosen, pem);
    } catch (err) {
      throw fromCryptoError(err, 'key', what);
    }
  }
  let first: unknown;
  for (const candidate of SIGNATURE_SCHEMES) {
    try {
      return softwareSignerFromPrivateKeyPem(candidate, pem);
    } catch (err) {
      // KEY_SCHEME_MISMATCH: another curve, try the next; anything else (MALFORMED_KEY) is final.
      if (!(err instanceof CryptoError) || err.code !== 'KEY_SCHEME_MISMATCH') throw fromCryptoError(err, 'key', what);
      first ??= err;
    }
  }
  throw fromCryptoError(first, 'key', `${what} is a key of none of ${SIGNATURE_SCHEMES.join(', ')}`);
}

const HEX = /^(?:[0-9a-fA-F]{2})+$/;

/**
 * `--public-key`: a file (PEM, hex text, or binary SPKI DER / raw key bytes), or the PEM or hex itself.
 * Returned as the string sent to the chaincode (PEM or hex), which is also what the challenge is built from.
 */
export function publicKeyArgument(value: string): string {
  const inline = value.trim();
  if (inline.startsWith('-----BEGIN')) return value;
  if (fs.existsSync(value)) {
    const bytes = readInputFile(value, '--public-key');
    const text = bytes.toString('utf8').trim();
    if (text.startsWith('-----BEGIN')) return text + '\n';
    if (HEX.test(text)) return text;
    return bytes.toString('hex');
  }
  if (HEX.test(inline)) return inline;
  throw invalid(`--public-key "${value}" is not a file, a PEM public key or hex`);
}

/** Check that `publicKey` parses for `scheme` (MALFORMED_KEY / KEY_SCHEME_MISMATCH as the chaincode says it). */
export function checkPublicKey(scheme: SignatureScheme, publicKey: string): string {
  try {
    return parsePublicKey(scheme, publicKey).fingerprint;
  } catch (err) {
    throw fromCryptoError(err, 'key', '--public-key');
  }
}

/** A positive integer option (commander argument parser). */
export function positiveInteger(option: string): (value: string) => number {
  return (value) => {
    if (!/^[1-9]\d*$/.test(value)) throw new InvalidArgumentError(`${option} must be a positive integer.`);
    return Number(value);
  };
}
