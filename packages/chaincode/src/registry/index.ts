export * from './types';
export * from './requests';
export { configure, readConfig, requireConfig } from './config';
export { approveMeter, listMeters, readMeter, registerMeter, requireMeter, revokeMeter, rotateKey } from './meters';
export { keyValidAt, listVerifications, verify, verifyAndRecord } from './verification';
