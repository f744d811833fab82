import 'reflect-metadata';
import ChaincodeFromContract from 'fabric-shim/lib/contract-spi/chaincodefromcontract';
import { JSONSerializer } from 'fabric-contract-api';
import { Shim, type ChaincodeStub } from 'fabric-shim';
import { MeterRegistryContract } from '../meter-registry-contract';
import { Baseline001Contract } from '../baseline-contract';
import { ReadingsContract } from '../readings-contract';
import { WeighingContract } from '../weighing-contract';
import { installInvocationGuard } from '../shim/invocation-guard';
import type { TestIdentity } from './identities';
import { MemoryLedger, type TxOptions, type ValidationCode } from './memory-ledger';
import { MemoryStub } from './memory-stub';
import type { MemoryPrivateData } from './memory-private-data';

export interface ChaincodeResult {
  /** 200 for success, 500 for an error, as the shim answers the peer. */
  status: number;
  /** The error message (`CODE: explanation`) when status is 500. */
  message: string;
  payload: Uint8Array;
  txId: string;
  /** The chaincode event set by the transaction, if any. */
  event?: { name: string; payload: Uint8Array };
}

/** A transaction's options: time and id, the transient map, and the org of the peer that executes it. */
export interface CallOptions extends TxOptions {
  transient?: Record<string, string | Uint8Array>;
  peer?: string;
}

export interface Endorsement extends ChaincodeResult {
  /** Validate against the key-level policies and apply the writes, as the committing peers would. */
  commit(endorsedBy?: readonly string[]): ValidationCode;
}

/**
 * The real chaincode, run in-process: fabric-shim's own ChaincodeFromContract (routing, argument
 * marshalling, ClientIdentity from the creator's certificate) with the meterledger invocation guard,
 * over a MemoryLedger through the real FabricStateStore. Only the gRPC link to a peer is missing.
 * `orgs` are the MSP ids whose peers endorse submitted transactions (as a Gateway would pick them).
 * `privateData` holds the private data collections (MemoryPrivateData, which checks membership against the
 * org of the executing peer: `peer` of a call, else the caller's own org, as a Gateway in that org would).
 */
export class InProcessChaincode {
  readonly ledger: MemoryLedger;
  readonly orgs: readonly string[];
  readonly privateData: MemoryPrivateData | undefined;
  readonly #chaincode: ChaincodeFromContract;

  constructor(options: { ledger?: MemoryLedger; orgs?: readonly string[]; logs?: boolean; privateData?: MemoryPrivateData } = {}) {
    this.ledger = options.ledger ?? new MemoryLedger();
    this.privateData = options.privateData;
    if (!options.logs) {
      // The shim logs every rejected transaction at error level; tests reject many on purpose.
      for (const name of ['contracts-spi/chaincodefromcontract.js', 'meterledger']) Object.assign(Shim.newLogger(name), { silent: true });
    }
    this.orgs = options.orgs ?? ['PTBMSP', 'InmetroMSP', 'NmiMSP'];
    installInvocationGuard();
    const serializers = { transaction: 'jsonSerializer', serializers: { jsonSerializer: JSONSerializer } };
    this.#chaincode = new ChaincodeFromContract([MeterRegistryContract, ReadingsContract, Baseline001Contract, WeighingContract], serializers, {}, 'meterledger', 'test');
  }

  async #run(identity: TestIdentity, args: readonly (string | Uint8Array)[], options?: CallOptions) {
    const txn = this.ledger.begin(options);
    const privateTxn = this.privateData?.begin(options?.peer ?? identity.mspId);
    const stub = new MemoryStub(txn, args, identity, { privateData: privateTxn, transient: options?.transient });
    const response = await this.#chaincode.Invoke(stub as unknown as ChaincodeStub);
    const result: ChaincodeResult = {
      status: response.status,
      message: response.message ?? '',
      payload: response.payload ?? new Uint8Array(),
      txId: txn.tx.txId,
      ...(txn.event ? { event: txn.event } : {}),
    };
    return { txn, privateTxn, result };
  }

  /** Simulate on one peer and discard the writes (Gateway evaluate). */
  async evaluate(identity: TestIdentity, args: readonly (string | Uint8Array)[], options?: CallOptions): Promise<ChaincodeResult> {
    return (await this.#run(identity, args, options)).result;
  }

  /** Simulate; the caller decides whether to commit (Gateway endorse, then submit). */
  async endorse(identity: TestIdentity, args: readonly (string | Uint8Array)[], options?: CallOptions): Promise<Endorsement> {
    const { txn, privateTxn, result } = await this.#run(identity, args, options);
    return {
      ...result,
      commit: (endorsedBy = this.orgs) => {
        if (result.status >= 400) throw new Error('a failed endorsement cannot be committed');
        const code = this.ledger.commit(txn, endorsedBy);
        if (code === 'VALID') privateTxn?.commit();
        return code;
      },
    };
  }

  /** Endorse and, if the chaincode succeeded, commit with every org of the network endorsing. */
  async submit(identity: TestIdentity, args: readonly (string | Uint8Array)[], options?: CallOptions & { endorsedBy?: readonly string[] }) {
    const endorsement = await this.endorse(identity, args, options);
    const validationCode = endorsement.status < 400 ? endorsement.commit(options?.endorsedBy) : undefined;
    return { ...endorsement, validationCode };
  }
}

/** Decode a JSON payload. */
export function json<T = unknown>(result: ChaincodeResult): T {
  if (result.status !== 200) throw new Error(`chaincode answered ${result.status}: ${result.message}`);
  return JSON.parse(Buffer.from(result.payload).toString('utf8')) as T;
}
