export { ERROR_CODES, type ErrorCode } from './error-codes';
export type * from './registry-types';
