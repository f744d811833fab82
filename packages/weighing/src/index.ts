/**
 * @meterledger/weighing: private, immutable weighing tickets (seeds 004) on the meterledger chaincode, for
 * stations (sign and submit), customers (filters, grouping, routes, disclosure) and inspectors (disclosure checks).
 */
export { StationClient, type StationClientOptions } from './station-client';
export { CustomerClient } from './customer-client';
export { InspectorClient } from './inspector-client';
export { WeighingCalls, type WeighingContractLike, type WeighingTarget } from './weighing-contract';
export { ticketSalt } from './salt';
export { newTicketId } from './ticket-id';
