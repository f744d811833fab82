/** Who is calling, as the chaincode sees it: MSP, certificate id and the ABAC role attribute. */
export interface Caller {
  mspId: string;
  /** The x509 id from the client identity (subject and issuer). */
  id: string;
  /** Value of the `meterledger.role` certificate attribute issued by the org's Fabric CA. */
  role: string | null;
}

export const ROLE_ATTRIBUTE = 'meterledger.role';

export type Role = 'admin' | 'registrar' | 'verifier' | 'gateway' | 'auditor';
