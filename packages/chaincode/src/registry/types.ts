// The record types are the contract's wire API; they live once, in @meterledger/contract-api.
export type * from '@meterledger/contract-api';
