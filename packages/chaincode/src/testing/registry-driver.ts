import type { SoftwareSigner } from '@meterledger/crypto';
import type { Caller } from '../ledger/caller';
import { ChaincodeError } from '../ledger/errors';
import * as registry from '../registry';
import { parseRequest } from '../registry/requests';
import { callers, possessionProof, registration } from './fixtures';
import { MemoryLedger } from './memory-ledger';

const SUBMITS = {
  initConfig: registry.initConfig,
  proposeConfig: registry.proposeConfig,
  approveConfig: registry.approveConfig,
  registerMeter: registry.registerMeter,
  approveMeter: registry.approveMeter,
  rotateKey: registry.rotateKey,
  revokeMeter: registry.revokeMeter,
} as const;

type Submit = keyof typeof SUBMITS;
type Result<K extends Submit> = Awaited<ReturnType<(typeof SUBMITS)[K]>>;

/**
 * Calls the registry's domain functions the way the contract does (JSON text in, one transaction on a
 * MemoryLedger), and checks rejections the way every test must: the code, the message prefix, and a
 * committed state (values and key-level policies) that did not change.
 */
export class RegistryDriver {
  readonly ledger = new MemoryLedger();

  call<K extends Submit>(kind: K, caller: Caller, request: unknown, at?: string): Promise<Result<K>> {
    const fn = SUBMITS[kind] as unknown as (...a: unknown[]) => Promise<Result<K>>;
    return this.ledger.transact((state, tx) => fn(state, caller, tx, parseRequest(kind, JSON.stringify(request))), at);
  }

  verify(request: object, at?: string) {
    return this.ledger.transact((state, tx) => registry.verify(state, tx, parseRequest('verify', JSON.stringify(request))), at);
  }

  verifyAndRecord(caller: Caller, request: object) {
    return this.ledger.transact((state, tx) => registry.verifyAndRecord(state, caller, tx, parseRequest('verify', JSON.stringify(request))));
  }

  getMeter(meterId: string) {
    return this.ledger.transact((state) => registry.requireMeter(state, meterId));
  }

  getConfig() {
    return this.ledger.transact((state) => registry.getConfigView(state));
  }

  listMeters(query: object) {
    return this.ledger.transact((state) => registry.listMeters(state, parseRequest('listMeters', JSON.stringify(query))));
  }

  listVerifications(query: object) {
    return this.ledger.transact((state) => registry.listVerifications(state, parseRequest('listVerifications', JSON.stringify(query))));
  }

  /** Version 1 of the configuration, as the deployment writes it. */
  init(approvalThreshold = 2, authorityMspIds = ['PTBMSP', 'InmetroMSP']) {
    return this.call('initConfig', callers.ptbAdmin, { approvalThreshold, authorityMspIds });
  }

  /** Register with PTB, approve with Inmetro. */
  async registerActive(signer: SoftwareSigner, meterId: string) {
    await this.call('registerMeter', callers.ptbRegistrar, registration(signer, meterId));
    return this.call('approveMeter', callers.inmetroRegistrar, { meterId, keyVersion: 1, proof: possessionProof(signer, meterId) });
  }

  /** Assert that a call is rejected with `code` and that the committed state did not change. */
  async expectRejected(promise: () => Promise<unknown>, code: string): Promise<ChaincodeError> {
    const before = this.ledger.snapshot();
    const err = await promise().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ChaincodeError);
    expect((err as ChaincodeError).code).toBe(code);
    expect((err as Error).message.startsWith(`${code}: `)).toBe(true);
    expect((err as Error).message).not.toMatch(/[\n\r]/);
    expect((err as Error).message).not.toContain('\u0000');
    expect(this.ledger.snapshot()).toEqual(before);
    return err as ChaincodeError;
  }
}

export function sign(signer: SoftwareSigner, message: string | Uint8Array, encoding?: 'der' | 'raw'): string {
  return Buffer.from(signer.sign(message, encoding)).toString('base64');
}
