import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The integration suite runs against the real network scripts/test-integration.sh starts (its own state
 * folder and ports). Run alone, it needs a network.json to point at; say so instead of failing obscurely.
 */
export default function globalSetup(): void {
  const state = process.env.MLEDGER_STATE_DIR ?? path.resolve(__dirname, '..', '.fabric');
  if (!fs.existsSync(path.join(state, 'network.json'))) {
    throw new Error(`no network at ${state} (network.json missing): run \`npm run test:integration\`, which starts a fresh one`);
  }
}
