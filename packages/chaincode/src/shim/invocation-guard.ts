import ChaincodeFromContract from 'fabric-shim/lib/contract-spi/chaincodefromcontract';
import { Shim, type ChaincodeResponse, type ChaincodeStub } from 'fabric-shim';
import type { ChaincodeError } from '../ledger/errors';
import { FabricStateStore } from '../ledger/fabric-state-store';
import { badArgumentCount, quoteFunctionName, unknownFunction } from '../ledger/invocation-errors';
import { markReadOnly } from '../registry/read-only';

/** fabric-contract-api's built-in contract (GetMetadata); all its functions are queries. */
export const SYSTEM_CONTRACT = 'org.hyperledger.fabric';

const GUARDED = Symbol.for('meterledger.invocationGuard');

type Router = Pick<ChaincodeFromContract, 'contractImplementations' | 'metadata' | '_splitFunctionName'>;

/**
 * What fabric-contract-api answers before any contract code runs, and how meterledger answers instead:
 *
 * - an empty argument list: the shim returns success ("Default initiator successful.") and the
 *   transaction would commit as a valid no-op → UNKNOWN_FUNCTION;
 * - an unknown contract name (`nosuch:fn`): an uncoded error quoting the raw name → UNKNOWN_FUNCTION;
 * - a wrong number of arguments: the shim's `Expected 1 parameters, but 2 have been supplied`, thrown in
 *   DataMarshall.handleParameters before beforeTransaction could see it → BAD_ARGUMENT_COUNT;
 * - an unknown function of the system contract: its default unknownTransaction logs and echoes the raw
 *   name → UNKNOWN_FUNCTION. Unknown functions of the registry reach MeterRegistryContract.unknownTransaction.
 *
 * Returns the error to answer with, or undefined to let the shim route the invocation.
 */
export function checkInvocation(router: Router, args: readonly Uint8Array[]): ChaincodeError | undefined {
  if (args.length === 0) return unknownFunction('', 'the transaction names no function (empty argument list)');
  const raw = Buffer.from(args[0]).toString('utf8');
  const { contractName, function: fn } = router._splitFunctionName(raw);
  if (!Object.prototype.hasOwnProperty.call(router.contractImplementations, contractName)) {
    return unknownFunction(raw, `there is no contract ${quoteFunctionName(contractName)} (in ${quoteFunctionName(raw)})`);
  }
  const transaction = router.metadata.contracts[contractName]?.transactions.find((t) => t.name === fn);
  if (!transaction) {
    return contractName === SYSTEM_CONTRACT ? unknownFunction(raw, `contract ${SYSTEM_CONTRACT} has no function ${quoteFunctionName(fn)}`) : undefined;
  }
  const expected = transaction.parameters?.length;
  if (expected !== undefined && expected !== args.length - 1) return badArgumentCount(raw, expected, args.length - 1);
  return undefined;
}

/**
 * Wrap ChaincodeFromContract.invokeFunctionality (fabric-shim ~2.5.8) with {@link checkInvocation}:
 * `fabric-chaincode-node server` builds its Chaincode from that class after loading this package, and
 * offers no other hook before its own routing. Idempotent; throws if fabric-shim no longer has the
 * method (so a fabric-shim upgrade cannot silently drop the guard). The system contract's functions
 * (GetMetadata) are queries: they write the read-only sentinel like the registry's queries do.
 */
export function installInvocationGuard(target: { prototype: object } = ChaincodeFromContract): void {
  const proto = target.prototype as Record<string | symbol, unknown>;
  if (proto[GUARDED]) return;
  const original = proto.invokeFunctionality;
  if (typeof original !== 'function') {
    throw new Error('fabric-shim ChaincodeFromContract.invokeFunctionality not found: the meterledger invocation guard cannot be installed');
  }
  proto.invokeFunctionality = async function guarded(this: ChaincodeFromContract, stub: ChaincodeStub): Promise<ChaincodeResponse> {
    // getBufferArgs exists on the shim's stub but is missing from its typings.
    const args = (stub as unknown as { getBufferArgs(): Uint8Array[] }).getBufferArgs() ?? [];
    const rejection = checkInvocation(this, args);
    if (rejection) return Shim.error(rejection.message);
    if (this._splitFunctionName(Buffer.from(args[0]).toString('utf8')).contractName === SYSTEM_CONTRACT) {
      await markReadOnly(new FabricStateStore(stub));
    }
    return (original as (stub: ChaincodeStub) => Promise<ChaincodeResponse>).call(this, stub);
  };
  proto[GUARDED] = true;
}
