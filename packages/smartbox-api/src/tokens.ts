import { createHash, randomBytes } from 'node:crypto';
import { SignJWT, errors as joseErrors, jwtVerify } from 'jose';

/**
 * 004 §III-B.3's tokens: a short-lived access token that authorizes requests, and a longer-lived refresh token
 * that gets a new pair without the station's credentials. Access tokens are JWTs (HS256, `sub` = station,
 * `aud` = this API) verified without a lookup; refresh tokens are opaque random strings kept (hashed) in
 * memory, single use: a refresh rotates both, and presenting a used refresh token revokes every token of
 * that station (a stolen one was replayed). A restart forgets refresh tokens; stations log in again.
 */
export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  /** Seconds until the access token expires. */
  expiresIn: number;
  refreshExpiresIn: number;
}

export interface TokenOptions {
  /** At least 32 bytes; HS256 key of the access tokens. */
  secret: Uint8Array;
  accessTtlSeconds?: number;
  refreshTtlSeconds?: number;
  /** Milliseconds since the epoch; tests move it. */
  now?: () => number;
}

export class TokenError extends Error {
  constructor(
    readonly code: 'INVALID_TOKEN' | 'TOKEN_EXPIRED',
    message: string,
  ) {
    super(message);
  }
}

const AUDIENCE = 'meterledger-smartbox-api';

interface RefreshEntry {
  station: string;
  expiresAt: number;
  used: boolean;
  family: string;
}

export class TokenService {
  readonly #key: Uint8Array;
  readonly #accessTtl: number;
  readonly #refreshTtl: number;
  readonly #now: () => number;
  readonly #refresh = new Map<string, RefreshEntry>();
  /** Refresh-token families revoked after a replay; their access tokens are refused too. */
  readonly #revokedFamilies = new Set<string>();

  constructor(options: TokenOptions) {
    if (options.secret.length < 32) throw new RangeError('the token secret must be at least 32 bytes');
    this.#key = options.secret;
    this.#accessTtl = options.accessTtlSeconds ?? 300;
    this.#refreshTtl = options.refreshTtlSeconds ?? 24 * 3600;
    this.#now = options.now ?? Date.now;
  }

  async issue(station: string, family: string = randomBytes(16).toString('hex')): Promise<TokenPair> {
    const nowSeconds = Math.floor(this.#now() / 1000);
    const accessToken = await new SignJWT({ fam: family })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(station)
      .setAudience(AUDIENCE)
      .setIssuedAt(nowSeconds)
      .setExpirationTime(nowSeconds + this.#accessTtl)
      .sign(this.#key);
    const refreshToken = randomBytes(32).toString('base64url');
    this.#refresh.set(digest(refreshToken), { station, expiresAt: this.#now() + this.#refreshTtl * 1000, used: false, family });
    this.#sweep();
    return { accessToken, refreshToken, tokenType: 'Bearer', expiresIn: this.#accessTtl, refreshExpiresIn: this.#refreshTtl };
  }

  /** The station an access token was issued to. */
  async verifyAccess(token: string): Promise<string> {
    try {
      const { payload } = await jwtVerify(token, this.#key, { audience: AUDIENCE, algorithms: ['HS256'], currentDate: new Date(this.#now()) });
      if (typeof payload.sub !== 'string' || typeof payload.fam !== 'string') throw new TokenError('INVALID_TOKEN', 'the access token names no station');
      if (this.#revokedFamilies.has(payload.fam)) throw new TokenError('INVALID_TOKEN', 'the access token was revoked (its refresh token was replayed)');
      return payload.sub;
    } catch (err) {
      if (err instanceof TokenError) throw err;
      if (err instanceof joseErrors.JWTExpired) throw new TokenError('TOKEN_EXPIRED', 'the access token expired; refresh it');
      throw new TokenError('INVALID_TOKEN', 'the access token is not valid');
    }
  }

  /** A new pair for a valid, unused refresh token; the old one is spent. */
  async refresh(refreshToken: string): Promise<{ station: string; tokens: TokenPair }> {
    const entry = this.#refresh.get(digest(refreshToken));
    if (!entry) throw new TokenError('INVALID_TOKEN', 'unknown refresh token');
    if (entry.used) {
      this.#revokedFamilies.add(entry.family);
      for (const [k, e] of this.#refresh) if (e.family === entry.family) this.#refresh.delete(k);
      throw new TokenError('INVALID_TOKEN', 'this refresh token was already used; every token of its login is revoked');
    }
    if (entry.expiresAt <= this.#now()) throw new TokenError('TOKEN_EXPIRED', 'the refresh token expired; log in again');
    entry.used = true;
    return { station: entry.station, tokens: await this.issue(entry.station, entry.family) };
  }

  #sweep(): void {
    const now = this.#now();
    for (const [k, e] of this.#refresh) if (e.expiresAt <= now) this.#refresh.delete(k);
  }
}

function digest(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
