/**
 * @meterledger/smartbox-api: the HTTPS service through which weighing terminals (004's SmartBoxes) submit
 * signed tickets, authenticated per station with short-lived access tokens and rotating refresh tokens.
 */
export { buildSmartboxApi, type SmartboxApiOptions, type StationEntry, type TicketSubmitter } from './server';
export { TokenService, TokenError, type TokenPair, type TokenOptions } from './tokens';
export { hashStationSecret, checkStationSecret } from './credentials';
