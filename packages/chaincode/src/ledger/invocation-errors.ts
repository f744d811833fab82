import { Shim } from 'fabric-shim';
import { ChaincodeError } from './errors';

const logger = Shim.newLogger('meterledger');

/**
 * A function name as it may appear in a log line or an error message: JSON-quoted (so a newline or a
 * quote in it cannot forge a log line) and shortened.
 */
export function quoteFunctionName(name: string): string {
  return JSON.stringify(name.length > 128 ? `${name.slice(0, 128)}…` : name);
}

/** UNKNOWN_FUNCTION for an invocation of `rawName`; logged with the name escaped. */
export function unknownFunction(rawName: string, explanation: string): ChaincodeError {
  logger.warn(`rejected invocation of unknown function ${quoteFunctionName(rawName)}: ${JSON.stringify(explanation)}`);
  return new ChaincodeError('UNKNOWN_FUNCTION', explanation);
}

/** BAD_ARGUMENT_COUNT for `rawName` called with `got` arguments instead of `expected`. */
export function badArgumentCount(rawName: string, expected: number, got: number): ChaincodeError {
  const explanation = `${quoteFunctionName(rawName)} takes ${expected} argument${expected === 1 ? '' : 's'}, got ${got}`;
  logger.warn(`rejected invocation: ${explanation}`);
  return new ChaincodeError('BAD_ARGUMENT_COUNT', explanation);
}
