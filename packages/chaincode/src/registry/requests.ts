import { validateRequestArgument, type Request, type RequestKind } from '@meterledger/contract-api';
import { ChaincodeError } from '../ledger/errors';

/**
 * Every transaction argument is validated by the schemas of @meterledger/contract-api (the one
 * definition of the wire contract); this only turns a failure into a ChaincodeError.
 */
export function parseRequest<K extends RequestKind>(kind: K, raw: string): Request<K> {
  const result = validateRequestArgument(kind, raw);
  if (!result.success) throw new ChaincodeError(result.code, result.message);
  return result.data;
}

export type { Request, RequestKind } from '@meterledger/contract-api';
