import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { z } from 'zod';
import { MeterledgerError } from '@meterledger/client';
import { WEIGHING_LIMITS, submittedTicketSchema, type SubmittedTicket, type SubmitTicketsResult } from '@meterledger/contract-api';
import { ticketSalt } from '@meterledger/weighing';
import { checkStationSecret } from './credentials';
import { TokenError, TokenService, type TokenOptions } from './tokens';

/** Submits a station's tickets with the station's Fabric identity (a StationClient does). */
export interface TicketSubmitter {
  submit(tickets: SubmittedTicket[]): Promise<SubmitTicketsResult>;
}

export interface StationEntry {
  /** hashStationSecret of the station's secret (its login credential). */
  secretHash: string;
  /** Derives each ticket's salt (ticketSalt), so a terminal's retry is a duplicate, not a new record. */
  saltSecret: Uint8Array;
  /** The station's Fabric identity at work; never leaves the service. */
  submitter: TicketSubmitter;
}

export interface SmartboxApiOptions {
  /** PEM key and certificate of the HTTPS listener. */
  tls: { key: string | Buffer; cert: string | Buffer };
  stations: ReadonlyMap<string, StationEntry>;
  tokens: TokenOptions;
  /** fastify's logger (pino) options; default off. */
  logger?: boolean | object;
}

/** Every error answer: `{ code, message }` with a stable code (the chaincode's, or the API's own). */
interface ApiErrorBody {
  code: string;
  message: string;
}

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const loginSchema = z.object({ station: z.string().min(1).max(128), secret: z.string().min(1).max(1024) }).strict();
const refreshSchema = z.object({ refreshToken: z.string().min(1).max(256) }).strict();
/** A terminal sends what it signed; the service adds the salt. */
const ticketsSchema = z.object({ tickets: z.array(submittedTicketSchema.omit({ salt: true })).min(1).max(WEIGHING_LIMITS.maxBatchTickets) }).strict();

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new ApiError(400, 'INVALID_ARGUMENT', `INVALID_ARGUMENT: ${issue.path.join('.') || 'body'}: ${issue.message}`);
  }
  return result.data;
}

/** HTTP status of a chaincode or SDK code. */
function statusOf(code: string): number {
  if (['UNAUTHORIZED', 'STATION_MISMATCH', 'NOT_COLLECTION_MEMBER'].includes(code)) return 403;
  if (['UNAVAILABLE', 'COMMIT_STATUS_UNAVAILABLE', 'ENDORSEMENT_FAILED', 'SUBMIT_FAILED'].includes(code)) return 503;
  if (code === 'INVALID_ARGUMENT' || code === 'MALFORMED_TICKET' || code === 'MISSING_TRANSIENT') return 400;
  return 500;
}

/**
 * The SmartBox API (004 §III-A, §III-B.3) on fastify over HTTPS:
 * - `POST /auth/token` `{station, secret}` → a token pair (401 INVALID_CREDENTIALS);
 * - `POST /auth/refresh` `{refreshToken}` → a new pair; the old refresh token is spent (401 INVALID_TOKEN / TOKEN_EXPIRED);
 * - `POST /stations/:station/tickets` with `Authorization: Bearer <access token>` and `{tickets: [{payload, signature,
 *   signatureEncoding?}]}` (what the terminal signed) → the ledger's per-ticket outcomes. A token of another
 *   station gets 403 STATION_MISMATCH; an expired one 401 TOKEN_EXPIRED.
 */
export async function buildSmartboxApi(options: SmartboxApiOptions): Promise<FastifyInstance> {
  const tokens = new TokenService(options.tokens);
  const app = Fastify({ https: { key: options.tls.key, cert: options.tls.cert }, logger: options.logger ?? false, bodyLimit: 4 * 1024 * 1024 });

  app.setErrorHandler((err: unknown, _request: FastifyRequest, reply: FastifyReply) => {
    let body: ApiErrorBody;
    let status: number;
    if (err instanceof ApiError) [status, body] = [err.status, { code: err.code, message: err.message }];
    else if (err instanceof TokenError) [status, body] = [401, { code: err.code, message: `${err.code}: ${err.message}` }];
    else if (err instanceof MeterledgerError) [status, body] = [statusOf(err.code), { code: err.code, message: err.message }];
    else if (typeof err === 'object' && err !== null && (err as { statusCode?: number }).statusCode === 400) {
      [status, body] = [400, { code: 'INVALID_ARGUMENT', message: `INVALID_ARGUMENT: ${(err as Error).message}` }];
    } else [status, body] = [500, { code: 'UNKNOWN', message: 'UNKNOWN: internal error' }];
    if (status >= 500) app.log.error(err);
    void reply.status(status).send(body);
  });

  const authenticate = async (request: FastifyRequest): Promise<string> => {
    const header = request.headers.authorization ?? '';
    const m = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(header);
    if (!m) throw new TokenError('INVALID_TOKEN', 'send Authorization: Bearer <access token>');
    return tokens.verifyAccess(m[1]);
  };

  app.post('/auth/token', async (request) => {
    const { station, secret } = parse(loginSchema, request.body);
    const entry = options.stations.get(station);
    if (!checkStationSecret(secret, entry?.secretHash)) throw new ApiError(401, 'INVALID_CREDENTIALS', 'INVALID_CREDENTIALS: unknown station or wrong secret');
    return tokens.issue(station);
  });

  app.post('/auth/refresh', async (request) => {
    const { refreshToken } = parse(refreshSchema, request.body);
    return (await tokens.refresh(refreshToken)).tokens;
  });

  app.post<{ Params: { station: string } }>('/stations/:station/tickets', async (request) => {
    const station = await authenticate(request);
    if (request.params.station !== station) {
      throw new ApiError(403, 'STATION_MISMATCH', `STATION_MISMATCH: this token is for station ${station}, not ${request.params.station}`);
    }
    const entry = options.stations.get(station);
    if (!entry) throw new ApiError(403, 'STATION_MISMATCH', `STATION_MISMATCH: station ${station} is no longer served here`);
    const { tickets } = parse(ticketsSchema, request.body);
    return entry.submitter.submit(tickets.map((t) => ({ ...t, salt: ticketSalt(t.payload, entry.saltSecret) })));
  });

  return app;
}
