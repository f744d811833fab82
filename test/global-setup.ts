import { execFileSync } from 'node:child_process';
import path from 'node:path';

/**
 * Integration tests run against the real network our scripts start: bring it up (idempotent), deploy
 * the chaincode, and configure the registry. A failure here names the step and its log.
 */
export default function globalSetup(): void {
  const root = path.resolve(__dirname, '..');
  const cli = path.join(root, 'network', 'dist', 'cli.js');
  for (const step of [['up'], ['deploy']]) {
    execFileSync(process.execPath, [cli, ...step], { cwd: root, stdio: 'inherit' });
  }
}
