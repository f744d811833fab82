import { SIGNATURE_SCHEMES } from '@meterledger/crypto';
import { z } from 'zod';
import { ChaincodeError } from '../ledger/errors';

/**
 * Validating factories for every transaction argument: each takes the JSON text the client sent and
 * returns a typed request, or throws INVALID_ARGUMENT / UNKNOWN_SCHEME naming the offending field.
 */

const id = z.string().min(1).max(128).regex(/^[A-Za-z0-9][A-Za-z0-9._:@/-]*$/, 'letters, digits and . _ : @ / -');
const text = z.string().min(1).max(256);
const rfc3339 = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/, 'an RFC 3339 time with offset')
  .refine((s) => !Number.isNaN(Date.parse(s)), 'a real calendar time');
const scheme = z.string();
const signatureEncoding = z.enum(['der', 'raw']).optional();
const pageSize = z.number().int().min(1).max(1000).default(100);
const bookmark = z.string().max(1024).default('');

const proof = z
  .object({
    nonce: z.string().regex(/^[A-Za-z0-9_-]{16,128}$/, '16 to 128 base64url characters'),
    signature: z.string().min(1).max(1024),
    signatureEncoding,
  })
  .strict();

const metadata = z.object({ manufacturer: text, model: text, serial: text, typeApprovalRef: text }).strict();

const schemas = {
  configure: z
    .object({
      approvalThreshold: z.number().int().min(1).max(32),
      authorityMspIds: z.array(id).min(1).max(32),
    })
    .strict()
    .refine((c) => new Set(c.authorityMspIds).size === c.authorityMspIds.length, 'authorityMspIds must be distinct')
    .refine((c) => c.approvalThreshold <= c.authorityMspIds.length, 'approvalThreshold exceeds the number of authorities'),
  registerMeter: z.object({ meterId: id, scheme, publicKey: z.string().min(1).max(4096), metadata, proof }).strict(),
  approveMeter: z.object({ meterId: id, keyVersion: z.number().int().min(1), proof }).strict(),
  rotateKey: z.object({ meterId: id, scheme, publicKey: z.string().min(1).max(4096), proof }).strict(),
  revokeMeter: z
    .object({
      meterId: id,
      reason: z.enum(['keyCompromise', 'decommissioned', 'superseded', 'other']),
      effectiveAt: rfc3339.optional(),
      comment: z.string().max(1024).optional(),
    })
    .strict(),
  listMeters: z
    .object({ by: z.enum(['manufacturer', 'status']), value: text, pageSize, bookmark })
    .strict(),
  verify: z
    .object({
      meterId: id,
      message: z.string().max(1_000_000),
      messageEncoding: z.enum(['utf8', 'base64', 'hex']).default('utf8'),
      signature: z.string().min(1).max(1024),
      signatureEncoding,
      at: rfc3339.optional(),
    })
    .strict(),
  listVerifications: z.object({ meterId: id, pageSize, bookmark }).strict(),
  meterId: id,
};

type Schemas = typeof schemas;
export type RequestKind = keyof Schemas;
export type Request<K extends RequestKind> = z.output<Schemas[K]>;

export type ConfigureRequest = Request<'configure'>;
export type RegisterMeterRequest = Request<'registerMeter'>;
export type ApproveMeterRequest = Request<'approveMeter'>;
export type RotateKeyRequest = Request<'rotateKey'>;
export type RevokeMeterRequest = Request<'revokeMeter'>;
export type ListMetersRequest = Request<'listMeters'>;
export type VerifyRequest = Request<'verify'>;
export type ListVerificationsRequest = Request<'listVerifications'>;
export type PossessionProof = z.output<typeof proof>;

/** Parse a JSON argument (or, for `meterId`, a plain string) into the typed request of `kind`. */
export function parseRequest<K extends RequestKind>(kind: K, raw: string): Request<K> {
  let value: unknown = raw;
  if (kind !== 'meterId') {
    try {
      value = JSON.parse(raw);
    } catch {
      throw new ChaincodeError('INVALID_ARGUMENT', `${kind}: argument is not valid JSON`);
    }
  }
  const result = schemas[kind].safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue.path.length > 0 ? issue.path.join('.') : kind;
    throw new ChaincodeError('INVALID_ARGUMENT', `${kind}: ${where}: ${issue.message}`);
  }
  const parsed = result.data as Request<K>;
  if (typeof parsed === 'object' && parsed !== null && 'scheme' in parsed) {
    const s = (parsed as { scheme: string }).scheme;
    if (!(SIGNATURE_SCHEMES as readonly string[]).includes(s)) {
      throw new ChaincodeError('UNKNOWN_SCHEME', `${kind}: scheme '${s}' is not one of ${SIGNATURE_SCHEMES.join(', ')}`);
    }
  }
  return parsed;
}

/** Normalize an RFC 3339 time with any offset to UTC with millisecond precision. */
export function toUtc(time: string): string {
  return new Date(time).toISOString();
}
