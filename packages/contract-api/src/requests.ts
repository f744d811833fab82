import { SIGNATURE_SCHEMES, SIGNED_READING_FORMATS, WEIGHT_UNITS, parseRfc3339, type WeightUnit, type SignatureScheme, type SignedReadingFormat } from '@meterledger/crypto';
import { READINGS_LIMITS } from './readings-limits';
import { WEIGHING_LIMITS } from './weighing-limits';
import { TICKET_FLAGS, TICKET_GROUPINGS, type TicketFlag, type TicketGrouping } from './weighing-types';
import { z } from 'zod';
import { controlCharacterProblem } from './text';

/**
 * The request schemas of the `registry` contract: the one definition of what every transaction argument
 * may be. The chaincode parses every argument with them (`validateRequest`); the SDK request types are
 * inferred from them (`RequestInput<K>` is what a client sends, `Request<K>` what the chaincode works
 * with after defaults and normalization).
 */

/** Identifiers (meter ids, MSP ids, proposal ids): they become parts of ledger keys. */
const id = z.string().min(1).max(128).regex(/^[A-Za-z0-9][A-Za-z0-9._:@/-]*$/, 'letters, digits and . _ : @ / -');

function freeText(max: number, min = 1) {
  return z
    .string()
    .min(min)
    .max(max)
    .superRefine((value, ctx) => {
      const problem = controlCharacterProblem(value);
      if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
    });
}

/** A strict RFC 3339 date-time with an offset (see @meterledger/crypto parseRfc3339), normalized to UTC. */
const rfc3339 = z.string().transform((value, ctx) => {
  try {
    return parseRfc3339(value).utc;
  } catch (err) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: (err as Error).message });
    return z.NEVER;
  }
});

const scheme = z.enum(SIGNATURE_SCHEMES as [SignatureScheme, ...SignatureScheme[]]);
const signatureEncoding = z.enum(['der', 'raw']).optional();
const pageSize = z.number().int().min(1).max(1000).default(100);
/** Opaque; a page's bookmark passed back as it came (base64url). */
const bookmark = z
  .string()
  .max(2048)
  .regex(/^[A-Za-z0-9_-]*$/, 'an opaque bookmark returned by a previous page')
  .default('');

export const possessionProofSchema = z
  .object({
    /** 16..128 base64url characters chosen by the authority. */
    nonce: z.string().regex(/^[A-Za-z0-9_-]{16,128}$/, '16 to 128 base64url characters'),
    /** Base64 (hex is accepted too). */
    signature: z.string().min(1).max(1024),
    /** ECDSA: 'der' (default) or 'raw'. Ed25519: omit or 'raw'. */
    signatureEncoding,
  })
  .strict();

export const meterMetadataSchema = z
  .object({ manufacturer: freeText(256), model: freeText(256), serial: freeText(256), typeApprovalRef: freeText(256) })
  .strict();

/** Approval threshold and authority orgs: the body of initConfig and proposeConfig. */
export const configSettingsSchema = z
  .object({
    /** Distinct authority orgs that must prove possession before a key becomes active (002 §4.2.2). */
    approvalThreshold: z.number().int().min(1).max(32),
    authorityMspIds: z.array(id).min(1).max(32),
  })
  .strict()
  .refine((c) => new Set(c.authorityMspIds).size === c.authorityMspIds.length, 'authorityMspIds must be distinct')
  .refine((c) => c.approvalThreshold <= c.authorityMspIds.length, 'approvalThreshold exceeds the number of authorities');


// ---- the `readings` contract ----------------------------------------------------------------------

const readingFormat = z.enum(SIGNED_READING_FORMATS as [SignedReadingFormat, ...SignedReadingFormat[]]);
/** A decimal bound of a value query, e.g. "-3.5"; compared numerically (scale does not matter). */
const decimal = z.string().max(100).regex(/^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?$/, 'a decimal such as "21.5" or "-3"');
/** Whose aggregates: exactly one of a meter or a group (a gateway's site). */
const seriesFields = { meterId: id.optional(), group: id.optional() };
function exactlyOneSeries(s: { meterId?: string; group?: string }): boolean {
  return (s.meterId === undefined) !== (s.group === undefined);
}
const ONE_SERIES = 'give exactly one of meterId and group';
const level = z.enum(['minute', 'hour', 'day', 'month', 'year']);

export const submittedReadingSchema = z
  .object({
    format: readingFormat,
    /** The signed message exactly as the device sent it (MQTT JSON, OCMF string, meterledger-v1 JSON, ...). */
    payload: z.string().min(1).max(READINGS_LIMITS.maxPayloadBytes),
    /** Required when the signed content does not name the meter (Tasmota, OCMF); must match it when it does. */
    meterId: id.optional(),
    /** For times signed without an offset (Tasmota prints local time): the device's UTC offset; default Z. */
    utcOffset: z.string().regex(/^(?:Z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])$/, 'Z or an offset such as +01:00').optional(),
  })
  .strict();

const READINGS_REQUEST_SCHEMAS = {
  submitReadings: z
    .object({
      readings: z.array(submittedReadingSchema).min(1).max(READINGS_LIMITS.maxBatchItems),
      /** Also aggregate the accepted readings under this group (the gateway's site). */
      group: id.optional(),
    })
    .strict(),
  sealWindows: z
    .object({ ...seriesFields, until: rfc3339 })
    .strict()
    .refine(exactlyOneSeries, ONE_SERIES),
  /** Q1: the readings of a meter at the given instants. */
  getReadingsAt: z.object({ meterId: id, times: z.array(rfc3339).min(1).max(READINGS_LIMITS.maxQueryTimes) }).strict(),
  /** A meter's readings in [from, to), in time order. */
  listReadings: z.object({ meterId: id, from: rfc3339.optional(), to: rfc3339.optional(), pageSize, bookmark }).strict(),
  /** Q2: readings with above < value < below (either bound optional) and from <= time < to, through the value index. */
  findReadingsByValue: z
    .object({ meterId: id, from: rfc3339, to: rfc3339, above: decimal.optional(), below: decimal.optional(), pageSize, bookmark })
    .strict(),
  /** Q3: sum, count, min, max and avg over [from, to). */
  aggregateRange: z
    .object({ ...seriesFields, from: rfc3339, to: rfc3339, decimals: z.number().int().min(0).max(30).default(6) })
    .strict()
    .refine(exactlyOneSeries, ONE_SERIES),
  /** Q4: the number of readings before `at` (and from `at` on). */
  countReadings: z
    .object({ ...seriesFields, at: rfc3339 })
    .strict()
    .refine(exactlyOneSeries, ONE_SERIES),
  /** The window aggregates of one level in [from, to). */
  listAggregates: z
    .object({ ...seriesFields, level, from: rfc3339, to: rfc3339, decimals: z.number().int().min(0).max(30).default(6), pageSize, bookmark })
    .strict()
    .refine(exactlyOneSeries, ONE_SERIES),
  /** bench:readings' baseline (001's Algorithm 1): one reading per transaction. */
  baselineLogReading: submittedReadingSchema,
  /** A window's seal with its commitment, and the seals (or readings) it commits to. */
  getSeal: z
    .object({ ...seriesFields, level, window: z.string().min(4).max(16).regex(/^[0-9T:-]+$/, 'a window id such as 2024-05-01T12') })
    .strict()
    .refine(exactlyOneSeries, ONE_SERIES),
};


// ---- the `weighing` contract ----------------------------------------------------------------------
// Requests of submit functions travel in the transient map (key 'request'): a proposal's arguments are
// written into the block for every org to read, the transient map is not.

/** An exact non-negative weight, e.g. "12480.5". */
const weight = z.string().max(40).regex(/^(?:0|[1-9][0-9]*)(?:\.[0-9]+)?$/, 'a non-negative decimal such as "12480.5"');
/** The same identifiers a ticket uses for stations, weighbridges, terminals, scales and cells. */
const ticketPart = z.string().min(1).max(128).regex(/^[A-Za-z0-9][A-Za-z0-9._:@/-]*$/, 'letters, digits and . _ : @ / -');
const ticketId = z.string().regex(/^[0-9a-f]{24}_[0-9a-f]{24}_(?:0|[1-9][0-9]{0,15})$/, "004's <24 hex>_<24 hex>_<epoch ms>");

export const submittedTicketSchema = z
  .object({
    /** The terminal's signed bytes: encodeTicketV1 of the ticket (canonical JSON). */
    payload: z.string().min(1).max(WEIGHING_LIMITS.maxPayloadBytes),
    /** Base64 or hex. */
    signature: z.string().min(1).max(1024),
    signatureEncoding,
    /** 16 to 64 random bytes (lower-case hex) chosen once per ticket and kept with it: a retry sends the same salt. */
    salt: z.string().regex(/^[0-9a-f]{32,128}$/, '16 to 64 random bytes as lower-case hex'),
  })
  .strict();

/** Every attribute a ticket query filters on; all given ones must hold. Ranges: from <= time < to, min <= weight <= max. */
export const ticketFilterSchema = z
  .object({
    station: ticketPart.optional(),
    weighbridge: ticketPart.optional(),
    terminalSerialNumber: ticketPart.optional(),
    scaleSerialNumber: ticketPart.optional(),
    scaleStatus: z.string().regex(/^[\x20-\x7e]{0,32}$/, 'printable ASCII, at most 32 characters').optional(),
    cellSerialNumber: ticketPart.optional(),
    flag: z.enum(TICKET_FLAGS as unknown as [TicketFlag, ...TicketFlag[]]).optional(),
    from: rfc3339.optional(),
    to: rfc3339.optional(),
    grossMin: weight.optional(),
    grossMax: weight.optional(),
    netMin: weight.optional(),
    netMax: weight.optional(),
  })
  .strict();

/** Whose tickets (an MSP id); default the caller's own org. Any other is refused with NOT_COLLECTION_MEMBER. */
const customerField = id.optional();

const weighingRoute = {
  routeId: id,
  /** The MSP id of the origin's customer (the one who declared the route). */
  originCustomer: id,
  destinationCustomer: id,
};

const WEIGHING_REQUEST_SCHEMAS = {
  submitTickets: z.object({ tickets: z.array(submittedTicketSchema).min(1).max(WEIGHING_LIMITS.maxBatchTickets) }).strict(),
  getTicket: z.object({ ticketID: ticketId, customer: customerField }).strict(),
  queryTickets: z
    .object({ customer: customerField, filter: ticketFilterSchema.default({}), pageSize: z.number().int().min(1).max(500).default(50), bookmark })
    .strict(),
  groupTickets: z
    .object({ customer: customerField, filter: ticketFilterSchema.default({}), by: z.enum(TICKET_GROUPINGS as unknown as [TicketGrouping, ...TicketGrouping[]]) })
    .strict(),
  /** A third party checks a ticket record it was given against the hash on the ledger. */
  checkDisclosure: z
    .object({
      customer: id,
      record: z.object({ payload: z.string().min(1).max(WEIGHING_LIMITS.maxPayloadBytes), signature: z.string().min(1).max(1024), signatureEncoding, salt: z.string().max(128) }).strict(),
    })
    .strict(),
  declareRoute: z
    .object({
      routeId: id,
      vehicleId: freeText(64),
      originStation: ticketPart,
      destinationCustomer: id,
      destinationStation: ticketPart,
      expectedNet: weight,
      tolerance: weight,
      unit: z.enum(WEIGHT_UNITS as unknown as [WeightUnit, ...WeightUnit[]]),
    })
    .strict(),
  attachRouteTicket: z.object({ ...weighingRoute, ticketID: ticketId }).strict(),
  getRoute: z.object(weighingRoute).strict(),
};

export const REQUEST_SCHEMAS = {
  ...READINGS_REQUEST_SCHEMAS,
  ...WEIGHING_REQUEST_SCHEMAS,
  initConfig: configSettingsSchema,
  proposeConfig: configSettingsSchema,
  approveConfig: z.object({ proposalId: id }).strict(),
  registerMeter: z
    .object({
      meterId: id,
      scheme,
      /** SPKI PEM or hex of any key encoding @meterledger/crypto accepts. */
      publicKey: z.string().min(1).max(4096),
      metadata: meterMetadataSchema,
      proof: possessionProofSchema,
    })
    .strict(),
  approveMeter: z.object({ meterId: id, keyVersion: z.number().int().min(1), proof: possessionProofSchema }).strict(),
  rotateKey: z.object({ meterId: id, scheme, publicKey: z.string().min(1).max(4096), proof: possessionProofSchema }).strict(),
  revokeMeter: z
    .object({
      meterId: id,
      reason: z.enum(['keyCompromise', 'decommissioned', 'superseded', 'other']),
      /** RFC 3339; defaults to the transaction time; may be earlier (a compromise found later), never later. */
      effectiveAt: rfc3339.optional(),
      /** One line of free text. */
      comment: freeText(1024, 0).optional(),
    })
    .strict(),
  listMeters: z.object({ by: z.enum(['manufacturer', 'status']), value: freeText(256), pageSize, bookmark }).strict(),
  verify: z
    .object({
      meterId: id,
      /** The signed bytes, encoded as `messageEncoding` says (default 'utf8'). */
      message: z.string().max(1_000_000),
      messageEncoding: z.enum(['utf8', 'base64', 'hex']).default('utf8'),
      /** Base64 or hex. */
      signature: z.string().min(1).max(1024),
      signatureEncoding,
      /** RFC 3339 instant to check the key's validity for; defaults to the transaction time. */
      at: rfc3339.optional(),
    })
    .strict(),
  listVerifications: z.object({ meterId: id, pageSize, bookmark }).strict(),
  /** getMeter / getKeyHistory take the meter id as a plain string argument. */
  meterId: id,
};

export type RequestKind = keyof typeof REQUEST_SCHEMAS;
/** What a client sends (defaults may be omitted, times may carry any offset). */
export type RequestInput<K extends RequestKind> = z.input<(typeof REQUEST_SCHEMAS)[K]>;
/** What the chaincode works with after validation (defaults filled in, times normalized to UTC). */
export type Request<K extends RequestKind> = z.output<(typeof REQUEST_SCHEMAS)[K]>;

// ---- the SDK's request types, inferred from the schemas -----------------------------------------

export type ConfigSettings = RequestInput<'initConfig'>;
export type InitConfigRequest = RequestInput<'initConfig'>;
export type ProposeConfigRequest = RequestInput<'proposeConfig'>;
export type ApproveConfigRequest = RequestInput<'approveConfig'>;
export type PossessionProof = z.input<typeof possessionProofSchema>;
export type RegisterMeterRequest = RequestInput<'registerMeter'>;
export type ApproveMeterRequest = RequestInput<'approveMeter'>;
export type RotateKeyRequest = RequestInput<'rotateKey'>;
export type RevokeMeterRequest = RequestInput<'revokeMeter'>;
export type ListMetersQuery = RequestInput<'listMeters'>;
export type VerifyRequest = RequestInput<'verify'>;
export type MessageEncoding = NonNullable<VerifyRequest['messageEncoding']>;
export type ListVerificationsQuery = RequestInput<'listVerifications'>;
export type SubmittedReading = z.input<typeof submittedReadingSchema>;
export type SubmitReadingsRequest = RequestInput<'submitReadings'>;
export type SealWindowsRequest = RequestInput<'sealWindows'>;
export type ReadingsAtQuery = RequestInput<'getReadingsAt'>;
export type ListReadingsQuery = RequestInput<'listReadings'>;
export type ReadingsByValueQuery = RequestInput<'findReadingsByValue'>;
export type AggregateRangeQuery = RequestInput<'aggregateRange'>;
export type CountReadingsQuery = RequestInput<'countReadings'>;
export type ListAggregatesQuery = RequestInput<'listAggregates'>;
export type GetSealQuery = RequestInput<'getSeal'>;
export type SubmittedTicket = z.input<typeof submittedTicketSchema>;
export type TicketFilter = z.input<typeof ticketFilterSchema>;
export type SubmitTicketsRequest = RequestInput<'submitTickets'>;
export type GetTicketQuery = RequestInput<'getTicket'>;
export type QueryTicketsQuery = RequestInput<'queryTickets'>;
export type GroupTicketsQuery = RequestInput<'groupTickets'>;
export type CheckDisclosureQuery = RequestInput<'checkDisclosure'>;
export type DeclareRouteRequest = RequestInput<'declareRoute'>;
export type AttachRouteTicketRequest = RequestInput<'attachRouteTicket'>;
export type GetRouteQuery = RequestInput<'getRoute'>;
