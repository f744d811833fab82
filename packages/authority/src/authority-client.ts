import { MeterledgerError, allPages, assertSubmittable, type ContractArgument, type ContractClient, type MeterledgerConnection } from '@meterledger/client';
import {
  REGISTRY_CONTRACT,
  errorCodeForCryptoError,
  type CryptoSubject,
  type RegistryResults,
  type RegistryTransaction,
} from '@meterledger/contract-api';
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
  ApproveConfigRequest,
  ApproveMeterRequest,
  ConfigProposal,
  InitConfigRequest,
  KeyVersionRecord,
  ListMetersQuery,
  ListVerificationsQuery,
  MeterMetadata,
  MeterRecord,
  Page,
  PossessionProof,
  ProposeConfigRequest,
  RegisterMeterRequest,
  RegistryConfig,
  RegistryConfigView,
  RevokeMeterRequest,
  RotateKeyRequest,
  VerificationRecord,
  VerificationResult,
  VerifyRequest,
} from './types';

export { REGISTRY_CONTRACT };

/** The part of a ContractClient the AuthorityClient uses. */
export type RegistryContract = Pick<ContractClient, 'submit' | 'evaluate'>;

export interface AuthorityClientOptions {
  /** Contract to use when constructed from a connection; default `registry`. */
  contractName?: string;
  /** Channel bound into possession challenges; defaults to the connection's channel. */
  channel?: string;
  /** MSP id of the caller, for local state checks (ALREADY_APPROVED); defaults to the connection's. */
  mspId?: string;
  /** Nonce source for possession proofs; default 24 random bytes as base64url. */
  newNonce?: () => string;
  /**
   * Check the meter's signature locally before submitting (default true), so a bad proof fails fast with
   * BAD_PROOF_OF_POSSESSION and no transaction. The chaincode checks it again regardless.
   */
  verifyProofsLocally?: boolean;
  /**
   * Read the meter before asking the prover (default true), so that a revoked meter, a rotation already
   * pending or an id already taken is reported as such (METER_REVOKED, ROTATION_PENDING, DUPLICATE_METER,
   * ...) before the meter's secure element is bothered or a proof is checked. One evaluate per call.
   */
  checkStateFirst?: boolean;
  /**
   * How long approveWithPossession keeps asking for a meter this org's peers do not know yet (default 5000
   * ms, every 200 ms) before it reports UNKNOWN_METER. Each org's peers commit a block on their own schedule:
   * a meter another org's Gateway registered a moment ago (its submit returned once that org's peer had the
   * block) may still be a block away from this org's peers. 0 reports it at once.
   */
  unknownMeterWaitMs?: number;
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

/** A crypto failure of a local check, with the code the chaincode would give the same input. */
function fromCryptoError(err: unknown, subject: CryptoSubject): unknown {
  if (!(err instanceof CryptoError)) return err;
  const code = errorCodeForCryptoError(err, subject);
  return new MeterledgerError({ code, message: `${code}: ${err.message}`, cause: err });
}

function localError(code: string, message: string): MeterledgerError {
  return new MeterledgerError({ code, message: `${code}: ${message}` });
}

function wireKey(publicKey: MeterPublicKey): string {
  if (typeof publicKey === 'string') return publicKey;
  if (publicKey instanceof Uint8Array) return Buffer.from(publicKey).toString('hex');
  return publicKey.spkiPem;
}

/**
 * Typed access to the meterledger registry for authority applications (PTB, Inmetro, ...): govern the
 * configuration, register, approve, rotate and revoke meter keys with proof of possession, query and
 * verify. Every failure is a MeterledgerError whose `code` is the chaincode's stable code where there is one.
 */
export class AuthorityClient {
  readonly #contract: RegistryContract;
  readonly #contractName: string;
  readonly #channel: string | undefined;
  readonly #mspId: string | undefined;
  readonly #newNonce: () => string;
  readonly #verifyLocally: boolean;
  readonly #checkStateFirst: boolean;
  readonly #unknownMeterWaitMs: number;

  constructor(target: RegistryContract | MeterledgerConnection, options: AuthorityClientOptions = {}) {
    this.#contractName = options.contractName ?? REGISTRY_CONTRACT;
    if (isConnection(target)) {
      this.#contract = target.contract(this.#contractName);
      this.#channel = options.channel ?? target.network.getName();
      this.#mspId = options.mspId ?? target.mspId;
    } else {
      this.#contract = target;
      this.#channel = options.channel;
      this.#mspId = options.mspId;
    }
    this.#newNonce = options.newNonce ?? newNonce;
    this.#verifyLocally = options.verifyProofsLocally ?? true;
    this.#checkStateFirst = options.checkStateFirst ?? true;
    this.#unknownMeterWaitMs = options.unknownMeterWaitMs ?? 5000;
  }

  // ---- typed calls -----------------------------------------------------------------------------

  /** Submit a registry transaction; an evaluate-only one is refused locally with EVALUATE_ONLY. */
  async #submit<F extends RegistryTransaction>(fn: F, ...args: ContractArgument[]): Promise<RegistryResults[F]> {
    assertSubmittable(fn, this.#contractName);
    return this.#contract.submit<RegistryResults[F]>(fn, ...args);
  }

  #evaluate<F extends RegistryTransaction>(fn: F, ...args: ContractArgument[]): Promise<RegistryResults[F]> {
    return this.#contract.evaluate<RegistryResults[F]>(fn, ...args);
  }

  // ---- configuration governance ----------------------------------------------------------------

  /** Write the first configuration (deployment step; an admin of a listed org; only when none exists). */
  initConfig(request: InitConfigRequest): Promise<RegistryConfig> {
    return this.#submit('initConfig', request);
  }

  /**
   * Propose a new configuration (an admin of an authority org). Returns the proposal; pass its
   * `proposalId` to the other authorities' approveConfig. Effective once enough authorities approved.
   */
  proposeConfig(request: ProposeConfigRequest): Promise<ConfigProposal> {
    return this.#submit('proposeConfig', request);
  }

  /** Approve a pending proposal as a further authority org (an admin of that org). */
  approveConfig(request: ApproveConfigRequest): Promise<ConfigProposal> {
    return this.#submit('approveConfig', request);
  }

  /** The configuration in force and the proposals pending against it. */
  getConfig(): Promise<RegistryConfigView> {
    return this.#evaluate('getConfig');
  }

  // ---- meter lifecycle -----------------------------------------------------------------------

  /** Register a meter with a proof of possession you built yourself (see registerWithPossession). */
  registerMeter(request: RegisterMeterRequest): Promise<MeterRecord> {
    return this.#submit('registerMeter', request);
  }

  /** Approve a pending key as a further authority, with that authority's own proof of possession. */
  approveMeter(request: ApproveMeterRequest): Promise<MeterRecord> {
    return this.#submit('approveMeter', request);
  }

  /** Propose a new key for a meter; it becomes active once approved like a first registration. */
  rotateKey(request: RotateKeyRequest): Promise<MeterRecord> {
    return this.#submit('rotateKey', request);
  }

  /** Revoke a meter; a single authority suffices. */
  revokeMeter(request: RevokeMeterRequest): Promise<MeterRecord> {
    return this.#submit('revokeMeter', request);
  }

  /**
   * Register a meter end to end: check the id is free, pick a fresh nonce, build the possession challenge,
   * have the meter sign it through `prover`, then submit registerMeter.
   */
  async registerWithPossession(request: RegisterWithPossessionRequest): Promise<MeterRecord> {
    if (this.#checkStateFirst && (await this.#findMeter(request.meterId))) {
      throw localError('DUPLICATE_METER', `meter ${request.meterId} is already registered; nothing was submitted`);
    }
    const publicKey = wireKey(request.publicKey);
    const proof = await this.#prove(request, request.scheme, publicKey);
    return this.registerMeter({ meterId: request.meterId, scheme: request.scheme, publicKey, metadata: request.metadata, proof });
  }

  /**
   * Approve a meter's pending key (or `keyVersion`) as this authority: read the key from the ledger,
   * challenge the meter with a fresh nonce and submit approveMeter.
   */
  async approveWithPossession(request: ApproveWithPossessionRequest): Promise<MeterRecord> {
    const meter = await this.#getMeterOnceCommitted(request.meterId);
    const key = this.#keyToApprove(meter, request.keyVersion);
    const proof = await this.#prove(request, key.scheme, key.publicKey);
    return this.approveMeter({ meterId: request.meterId, keyVersion: key.version, proof });
  }

  /** Rotate a meter's key end to end: check the meter can rotate, then the meter proves possession of the new key. */
  async rotateWithPossession(request: RotateWithPossessionRequest): Promise<MeterRecord> {
    if (this.#checkStateFirst) {
      const meter = await this.getMeter(request.meterId);
      this.#requireNotRevoked(meter);
      const pending = meter.keys.find((k) => k.status === 'pending');
      if (pending) {
        throw localError('ROTATION_PENDING', `meter ${meter.meterId} already has key version ${pending.version} awaiting approval; nothing was submitted`);
      }
    }
    const publicKey = wireKey(request.publicKey);
    const proof = await this.#prove(request, request.scheme, publicKey);
    return this.rotateKey({ meterId: request.meterId, scheme: request.scheme, publicKey, proof });
  }

  /** getMeter, waiting up to unknownMeterWaitMs for a registration this org's peers have not committed yet. */
  async #getMeterOnceCommitted(meterId: string): Promise<MeterRecord> {
    const deadline = Date.now() + this.#unknownMeterWaitMs;
    for (;;) {
      try {
        return await this.getMeter(meterId);
      } catch (err) {
        if (!(err instanceof MeterledgerError && err.code === 'UNKNOWN_METER') || Date.now() >= deadline) throw err;
        await new Promise((resolve) => setTimeout(resolve, Math.min(200, Math.max(0, deadline - Date.now()))));
      }
    }
  }

  // ---- queries -------------------------------------------------------------------------------

  getMeter(meterId: string): Promise<MeterRecord> {
    return this.#evaluate('getMeter', meterId);
  }

  getKeyHistory(meterId: string): Promise<KeyVersionRecord[]> {
    return this.#evaluate('getKeyHistory', meterId);
  }

  listMeters(query: ListMetersQuery): Promise<Page<MeterRecord>> {
    return this.#evaluate('listMeters', query);
  }

  /** Every meter matching `query`, following bookmarks page by page. */
  listAllMeters(query: ListMetersQuery): AsyncGenerator<MeterRecord, void, undefined> {
    return allPages((q) => this.listMeters(q), query);
  }

  // ---- verification --------------------------------------------------------------------------

  /** Check a meter's signature over a message (read-only, nothing is recorded). */
  async verify(request: VerifyInput): Promise<VerificationResult> {
    return this.#evaluate('verify', this.#verifyRequest(request));
  }

  /** Check a meter's signature and record the outcome on the ledger (role verifier or registrar). */
  async verifyAndRecord(request: VerifyInput): Promise<VerificationRecord> {
    return this.#submit('verifyAndRecord', this.#verifyRequest(request));
  }

  listVerifications(query: ListVerificationsQuery): Promise<Page<VerificationRecord>> {
    return this.#evaluate('listVerifications', query);
  }

  /** Every recorded verification of a meter, following bookmarks page by page. */
  listAllVerifications(query: ListVerificationsQuery): AsyncGenerator<VerificationRecord, void, undefined> {
    return allPages((q) => this.listVerifications(q), query);
  }

  // ---- internals -----------------------------------------------------------------------------


  /** The meter, or undefined if it is not registered. */
  async #findMeter(meterId: string): Promise<MeterRecord | undefined> {
    try {
      return await this.getMeter(meterId);
    } catch (err) {
      if (err instanceof MeterledgerError && err.code === 'UNKNOWN_METER') return undefined;
      throw err;
    }
  }

  #requireNotRevoked(meter: MeterRecord): void {
    if (meter.status === 'revoked') {
      throw localError('METER_REVOKED', `meter ${meter.meterId} was revoked (${meter.revocation?.reason}); nothing was submitted`);
    }
  }

  #verifyRequest(request: VerifyInput): VerifyRequest {
    const { message, signature } = request;
    if (typeof message !== 'string' && request.messageEncoding !== undefined && request.messageEncoding !== 'base64') {
      throw localError('INVALID_ARGUMENT', `verify: message bytes are sent as base64, but messageEncoding is '${request.messageEncoding}'`);
    }
    return {
      ...request,
      message: typeof message === 'string' ? message : Buffer.from(message.buffer, message.byteOffset, message.byteLength).toString('base64'),
      ...(typeof message === 'string' ? {} : { messageEncoding: 'base64' as const }),
      signature: typeof signature === 'string' ? signature : encodeSignature(signature),
    };
  }

  /** The key to approve, checked the way the chaincode checks it, before the meter is asked to sign. */
  #keyToApprove(meter: MeterRecord, keyVersion: number | undefined): KeyVersionRecord {
    this.#requireNotRevoked(meter);
    let key: KeyVersionRecord | undefined;
    if (keyVersion !== undefined) {
      key = meter.keys.find((k) => k.version === keyVersion);
      if (!key) throw localError('UNKNOWN_KEY_VERSION', `meter ${meter.meterId} has no key version ${keyVersion}`);
      if (key.status !== 'pending') {
        throw localError('NOTHING_TO_APPROVE', `key version ${key.version} of meter ${meter.meterId} is ${key.status}, not pending`);
      }
    } else {
      key = meter.keys.filter((k) => k.status === 'pending').sort((a, b) => b.version - a.version)[0];
      if (!key) throw localError('NOTHING_TO_APPROVE', `meter ${meter.meterId} has no key awaiting approval`);
    }
    const mspId = this.#mspId;
    if (mspId !== undefined && key.approvals.some((a) => a.mspId === mspId)) {
      throw localError('ALREADY_APPROVED', `org ${mspId} already approved key version ${key.version} of meter ${meter.meterId}; nothing was submitted`);
    }
    return key;
  }

  #channelFor(request: PossessionTarget): string {
    const channel = request.channel ?? this.#channel;
    if (!channel) throw localError('INVALID_ARGUMENT', 'the channel to bind the possession challenge to is unknown; pass `channel`');
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
      throw localError('PROVER_FAILED', `the prover for meter ${request.meterId} returned no signature bytes`);
    }

    if (this.#verifyLocally) {
      let valid: boolean;
      try {
        valid = verifySignature({ scheme, publicKey: key, message: challenge, signature: answer.signature, signatureEncoding: answer.signatureEncoding });
      } catch (err) {
        throw fromCryptoError(err, 'signature');
      }
      if (!valid) {
        throw localError(
          'BAD_PROOF_OF_POSSESSION',
          `meter ${request.meterId}: the signature over the possession challenge does not verify with key ${key.fingerprint}; nothing was submitted`,
        );
      }
    }

    return {
      nonce,
      signature: encodeSignature(answer.signature),
      ...(answer.signatureEncoding !== undefined ? { signatureEncoding: answer.signatureEncoding } : {}),
    };
  }
}
