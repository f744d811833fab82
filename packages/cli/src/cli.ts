#!/usr/bin/env node
// The `meterledger` bin: run the command, then exit with its code.
import { runCli } from './program';

void runCli(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
  // Exit once stdout/stderr are flushed and every connection is closed; should an SDK leave a handle open
  // (fabric-network's event service), do not hang: leave anyway after a grace period.
  setTimeout(() => process.exit(code), 2_000).unref();
});
