export * from './types';
export { parseRequest, type Request, type RequestKind } from './requests';
export { approveConfig, getConfigView, initConfig, proposeConfig, readConfig, requireConfig } from './config';
export { approveMeter, listMeters, meterEndorsers, readMeter, registerMeter, requireMeter, revokeMeter, rotateKey } from './meters';
export { AUDIT_WRITER_ROLES, keyValidAt, listVerifications, verify, verifyAndRecord } from './verification';
export { READ_ONLY_SENTINEL_MSP, markReadOnly, readOnlySentinelKey } from './read-only';
export { configKey, meterKey, proposalKey } from './keys';
