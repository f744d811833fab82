import { MeterledgerError, type ContractClient, type MeterledgerConnection } from '@meterledger/client';
import {
  CryptoError,
  buildPossessionChallenge,
  parsePublicKey,
  verifySignature,
  type PublicKeyInfo,
  type SignatureScheme,
} from '@meterledger/crypto';
import { newNonce } from './nonce';
import type { PossessionSignature, Prover } from './prover';
import { encodeSignature } from './signature-encoding';
import type {
  ApproveMeterRequest,
  ConfigureRequest,
  KeyVersionRecord,
  ListMetersQuery,
  ListVerificationsQuery,
  MeterMetadata,
  MeterRecord,
  Page,
  PossessionProof,
  RegisterMeterRequest,
  RegistryConfig,
  RevokeMeterRequest,
  RotateKeyRequest,
  VerificationRecord,
  VerificationResult,
  VerifyRequest,
} from './types';

/** Name of the registry contract inside the `meterledger` chaincode. */
export const REGISTRY_CONTRACT = 'registry';

/** The part of a ContractClient the AuthorityClient uses. */
export type RegistryContract = Pick<ContractClient, 'submit' | 'evaluate'>;

export interface AuthorityClientOptions {
  /** Contract to use when constructed from a connection; default `registry`. */
  contractName?: string;
  /** Channel bound into possession challenges; defaults to the connection's channel. */
  channel?: string;
  /** Nonce source for possession proofs; default 24 random bytes as base64url. */
  newNonce?: () => string;
  /**
   * Check the meter's signature locally before submitting (default true), so a bad proof fails fast with
   * BAD_PROOF_OF_POSSESSION and no transaction. The chaincode checks it again regardless.
   */
  verifyProofsLocally?: boolean;
}

/** A meter public key: PEM or hex string, raw/SPKI bytes (sent as hex) or a parsed key (sent as SPKI PEM). */
export type MeterPublicKey = string | Uint8Array | PublicKeyInfo;

interface PossessionTarget {
  /** Meter the challenge is for. */
  meterId: string;
  /** Who signs the challenge: the meter's secure element. */
  prover: Prover;
  /** Channel bound into the challenge; defaults to the client's channel. */
  channel?: string;
}

export interface RegisterWithPossessionRequest extends PossessionTarget {
  scheme: SignatureScheme;
  publicKey: MeterPublicKey;
  metadata: MeterMetadata;
}

export interface ApproveWithPossessionRequest extends PossessionTarget {
  /** Key version to approve; defaults to the meter's pending key. */
  keyVersion?: number;
}

export interface RotateWithPossessionRequest extends PossessionTarget {
  scheme: SignatureScheme;
  publicKey: MeterPublicKey;
}

/** A verify request whose message and signature may also be given as bytes (sent as base64). */
export interface VerifyInput extends Omit<VerifyRequest, 'message' | 'signature'> {
  message: string | Uint8Array;
  signature: string | Uint8Array;
}

function isConnection(target: RegistryContract | MeterledgerConnection): target is MeterledgerConnection {
  return 'network' in target && 'gateway' in target && typeof (target as MeterledgerConnection).contract === 'function';
}

function fromCryptoError(err: unknown, subject: 'key' | 'signature' | 'challenge'): unknown {
  if (!(err instanceof CryptoError)) return err;
  const code =
    err.code !== 'MALFORMED_ENCODING'
      ? err.code
      : subject === 'key'
        ? 'MALFORMED_KEY'
        : subject === 'signature'
          ? 'MALFORMED_SIGNATURE'
          : 'INVALID_ARGUMENT';
  return new MeterledgerError({ code, message: `${code}: ${err.message}`, cause: err });
}

function wireKey(publicKey: MeterPublicKey): string {
  if (typeof publicKey === 'string') return publicKey;
  if (publicKey instanceof Uint8Array) return Buffer.from(publicKey).toString('hex');
  return publicKey.spkiPem;
}

/**
 * Typed access to the meterledger registry for authority applications (PTB, Inmetro, ...): configure the
 * registry, register, approve, rotate and revoke meter keys with proof of possession, query and verify.
 * Every failure is a MeterledgerError whose `code` is the chaincode's stable code where there is one.
 */
export class AuthorityClient {
  readonly #contract: RegistryContract;
  readonly #channel: string | undefined;
  readonly #newNonce: () => string;
  readonly #verifyLocally: boolean;

  constructor(target: RegistryContract | MeterledgerConnection, options: AuthorityClientOptions = {}) {
    if (isConnection(target)) {
      this.#contract = target.contract(options.contractName ?? REGISTRY_CONTRACT);
      this.#channel = options.channel ?? target.network.getName();
    } else {
      this.#contract = target;
      this.#channel = options.channel;
    }
    this.#newNonce = options.newNonce ?? newNonce;
    this.#verifyLocally = options.verifyProofsLocally ?? true;
  }

  // ---- configuration -------------------------------------------------------------------------

  /** Set the approval threshold and the authority orgs (admin of an authority org only). */
  configure(request: ConfigureRequest): Promise<RegistryConfig> {
    return this.#contract.submit<RegistryConfig>('configure', request);
  }

  getConfig(): Promise<RegistryConfig> {
    return this.#contract.evaluate<RegistryConfig>('getConfig');
  }

  // ---- meter lifecycle -----------------------------------------------------------------------

  /** Register a meter with a proof of possession you built yourself (see registerWithPossession). */
  registerMeter(request: RegisterMeterRequest): Promise<MeterRecord> {
    return this.#contract.submit<MeterRecord>('registerMeter', request);
  }

  /** Approve a pending key as a further authority, with that authority's own proof of possession. */
  approveMeter(request: ApproveMeterRequest): Promise<MeterRecord> {
    return this.#contract.submit<MeterRecord>('approveMeter', request);
  }

  /** Propose a new key for a meter; it becomes active once approved like a first registration. */
  rotateKey(request: RotateKeyRequest): Promise<MeterRecord> {
    return this.#contract.submit<MeterRecord>('rotateKey', request);
  }

  /** Revoke a meter; a single authority suffices. */
  revokeMeter(request: RevokeMeterRequest): Promise<MeterRecord> {
    return this.#contract.submit<MeterRecord>('revokeMeter', request);
  }

  /**
   * Register a meter end to end: pick a fresh nonce, build the possession challenge, have the meter sign
   * it through `prover`, then submit registerMeter.
   */
  async registerWithPossession(request: RegisterWithPossessionRequest): Promise<MeterRecord> {
    const publicKey = wireKey(request.publicKey);
    const proof = await this.#prove(request, request.scheme, publicKey);
    return this.registerMeter({ meterId: request.meterId, scheme: request.scheme, publicKey, metadata: request.metadata, proof });
  }

  /**
   * Approve a meter's pending key (or `keyVersion`) as this authority: read the key from the ledger,
   * challenge the meter with a fresh nonce and submit approveMeter.
   */
  async approveWithPossession(request: ApproveWithPossessionRequest): Promise<MeterRecord> {
    const key = this.#keyToApprove(await this.getMeter(request.meterId), request.keyVersion);
    const proof = await this.#prove(request, key.scheme, key.publicKey);
    return this.approveMeter({ meterId: request.meterId, keyVersion: key.version, proof });
  }

  /** Rotate a meter's key end to end: the meter proves possession of the new key. */
  async rotateWithPossession(request: RotateWithPossessionRequest): Promise<MeterRecord> {
    const publicKey = wireKey(request.publicKey);
    const proof = await this.#prove(request, request.scheme, publicKey);
    return this.rotateKey({ meterId: request.meterId, scheme: request.scheme, publicKey, proof });
  }

  // ---- queries -------------------------------------------------------------------------------

  getMeter(meterId: string): Promise<MeterRecord> {
    return this.#contract.evaluate<MeterRecord>('getMeter', meterId);
  }

  getKeyHistory(meterId: string): Promise<KeyVersionRecord[]> {
    return this.#contract.evaluate<KeyVersionRecord[]>('getKeyHistory', meterId);
  }

  listMeters(query: ListMetersQuery): Promise<Page<MeterRecord>> {
    return this.#contract.evaluate<Page<MeterRecord>>('listMeters', query);
  }

  /** Every meter matching `query`, following bookmarks page by page. */
  listAllMeters(query: ListMetersQuery): AsyncGenerator<MeterRecord, void, undefined> {
    return this.#all((q) => this.listMeters(q), query);
  }

  // ---- verification --------------------------------------------------------------------------

  /** Check a meter's signature over a message (read-only, nothing is recorded). */
  async verify(request: VerifyInput): Promise<VerificationResult> {
    return this.#contract.evaluate<VerificationResult>('verify', this.#verifyRequest(request));
  }

  /** Check a meter's signature and record the outcome on the ledger. */
  async verifyAndRecord(request: VerifyInput): Promise<VerificationRecord> {
    return this.#contract.submit<VerificationRecord>('verifyAndRecord', this.#verifyRequest(request));
  }

  listVerifications(query: ListVerificationsQuery): Promise<Page<VerificationRecord>> {
    return this.#contract.evaluate<Page<VerificationRecord>>('listVerifications', query);
  }

  /** Every recorded verification of a meter, following bookmarks page by page. */
  listAllVerifications(query: ListVerificationsQuery): AsyncGenerator<VerificationRecord, void, undefined> {
    return this.#all((q) => this.listVerifications(q), query);
  }

  // ---- internals -----------------------------------------------------------------------------

  async *#all<T, Q extends { bookmark?: string }>(fetch: (query: Q) => Promise<Page<T>>, query: Q): AsyncGenerator<T, void, undefined> {
    let bookmark = query.bookmark;
    for (;;) {
      const page = await fetch(bookmark === undefined ? query : { ...query, bookmark });
      yield* page.items;
      // '' marks the last page; an empty page or an unchanged bookmark also ends it (CouchDB may return
      // a non-empty bookmark with the final page).
      if (!page.bookmark || page.items.length === 0 || page.bookmark === bookmark) return;
      bookmark = page.bookmark;
    }
  }

  #verifyRequest(request: VerifyInput): VerifyRequest {
    const { message, signature } = request;
    if (typeof message !== 'string' && request.messageEncoding !== undefined && request.messageEncoding !== 'base64') {
      throw new MeterledgerError({
        code: 'INVALID_ARGUMENT',
        message: `INVALID_ARGUMENT: verify: message bytes are sent as base64, but messageEncoding is '${request.messageEncoding}'`,
      });
    }
    return {
      ...request,
      message: typeof message === 'string' ? message : Buffer.from(message.buffer, message.byteOffset, message.byteLength).toString('base64'),
      ...(typeof message === 'string' ? {} : { messageEncoding: 'base64' as const }),
      signature: typeof signature === 'string' ? signature : encodeSignature(signature),
    };
  }

  #keyToApprove(meter: MeterRecord, keyVersion: number | undefined): KeyVersionRecord {
    if (keyVersion !== undefined) {
      const key = meter.keys.find((k) => k.version === keyVersion);
      if (!key) {
        throw new MeterledgerError({
          code: 'UNKNOWN_KEY_VERSION',
          message: `UNKNOWN_KEY_VERSION: meter ${meter.meterId} has no key version ${keyVersion}`,
        });
      }
      return key;
    }
    const pending = meter.keys.filter((k) => k.status === 'pending').sort((a, b) => b.version - a.version)[0];
    if (!pending) {
      throw new MeterledgerError({
        code: 'NOTHING_TO_APPROVE',
        message: `NOTHING_TO_APPROVE: meter ${meter.meterId} has no key awaiting approval`,
      });
    }
    return pending;
  }

  #channelFor(request: PossessionTarget): string {
    const channel = request.channel ?? this.#channel;
    if (!channel) {
      throw new MeterledgerError({
        code: 'INVALID_ARGUMENT',
        message: 'INVALID_ARGUMENT: the channel to bind the possession challenge to is unknown; pass `channel`',
      });
    }
    return channel;
  }

  /** Fresh nonce → challenge → meter signature → (local check) → proof. */
  async #prove(request: PossessionTarget, scheme: SignatureScheme, publicKey: string): Promise<PossessionProof> {
    const channel = this.#channelFor(request);
    let key: PublicKeyInfo;
    try {
      key = parsePublicKey(scheme, publicKey);
    } catch (err) {
      throw fromCryptoError(err, 'key');
    }
    const nonce = this.#newNonce();
    let challenge: Uint8Array;
    try {
      challenge = buildPossessionChallenge({ channel, meterId: request.meterId, publicKey, scheme, nonce });
    } catch (err) {
      throw fromCryptoError(err, 'challenge');
    }

    let answer: PossessionSignature;
    try {
      answer = await request.prover(challenge);
    } catch (err) {
      throw new MeterledgerError({
        code: 'PROVER_FAILED',
        message: `PROVER_FAILED: meter ${request.meterId} did not sign the possession challenge: ${err instanceof Error ? err.message : String(err)}`,
        cause: err,
      });
    }
    if (!answer || !(answer.signature instanceof Uint8Array) || answer.signature.length === 0) {
      throw new MeterledgerError({
        code: 'PROVER_FAILED',
        message: `PROVER_FAILED: the prover for meter ${request.meterId} returned no signature bytes`,
      });
    }

    if (this.#verifyLocally) {
      let valid: boolean;
      try {
        valid = verifySignature({
          scheme,
          publicKey: key,
          message: challenge,
          signature: answer.signature,
          signatureEncoding: answer.signatureEncoding,
        });
      } catch (err) {
        throw fromCryptoError(err, 'signature');
      }
      if (!valid) {
        throw new MeterledgerError({
          code: 'BAD_PROOF_OF_POSSESSION',
          message: `BAD_PROOF_OF_POSSESSION: meter ${request.meterId}: the signature over the possession challenge does not verify with key ${key.fingerprint}; nothing was submitted`,
        });
      }
    }

    return {
      nonce,
      signature: encodeSignature(answer.signature),
      ...(answer.signatureEncoding !== undefined ? { signatureEncoding: answer.signatureEncoding } : {}),
    };
  }
}
