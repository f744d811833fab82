/** @meterledger/cli: the `meterledger` command, also callable in-process (runCli) with another session factory. */
export { runCli, type CliDeps } from './program';
export { EXIT, ERROR_CLASS, EXIT_CODE_OF_CLASS, UsageError, errorClassOf, exitCodeFor, type ErrorClass } from './exit-codes';
export { openNetworkSession, type OpenSession, type Session, type SessionOptions } from './session';
export { loadKeyFile, publicKeyArgument, type SoftwareKeyFile } from './inputs';
export { prettyJson, toJsonError, type JsonError, type Output } from './output';
