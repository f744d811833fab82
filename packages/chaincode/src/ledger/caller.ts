/** Who is calling, as the chaincode sees it: MSP, certificate id and the ABAC role attribute. */
export interface Caller {
  mspId: string;
  /** The x509 id from the client identity (subject and issuer). */
  id: string;
  /** Value of the `meterledger.role` certificate attribute issued by the org's Fabric CA. */
  role: string | null;
  /** Value of the `meterledger.station` attribute: the weighing station a customer's station identity acts for. */
  station?: string | null;
}

export const ROLE_ATTRIBUTE = 'meterledger.role';
export const STATION_ATTRIBUTE = 'meterledger.station';

/** station: a customer's weighing station (SmartBox); customer: a customer's user, who sees all its stations. */
export type Role = 'admin' | 'registrar' | 'verifier' | 'gateway' | 'auditor' | 'station' | 'customer';
