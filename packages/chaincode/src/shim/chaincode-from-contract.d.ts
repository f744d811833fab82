/**
 * fabric-shim's ChaincodeFromContract (lib/contract-spi/chaincodefromcontract.js, fabric-shim ~2.5.8):
 * the Chaincode that `fabric-chaincode-node server` builds from the `contracts` export and that routes
 * each invocation to a contract. Not part of fabric-shim's typed API; only the members the invocation
 * guard and the in-process test network use are declared.
 */
declare module 'fabric-shim/lib/contract-spi/chaincodefromcontract' {
  import type { ChaincodeResponse, ChaincodeStub } from 'fabric-shim';

  interface TransactionDescriptor {
    name: string;
    tag?: string[];
    /** Present for decorated (TypeScript) transactions: one entry per argument after the context. */
    parameters?: unknown[];
  }

  class ChaincodeFromContract {
    constructor(contractClasses: unknown[], serializers: unknown, metadata?: unknown, title?: string, version?: string);
    contractImplementations: Record<string, { contractInstance: unknown }>;
    metadata: { contracts: Record<string, { transactions: TransactionDescriptor[] }> };
    defaultContractName: string;
    _splitFunctionName(fcn: string): { contractName: string; function: string };
    invokeFunctionality(stub: ChaincodeStub): Promise<ChaincodeResponse>;
    Init(stub: ChaincodeStub): Promise<ChaincodeResponse>;
    Invoke(stub: ChaincodeStub): Promise<ChaincodeResponse>;
  }

  export = ChaincodeFromContract;
}
