import { sha256Hex } from '@meterledger/crypto';

/**
 * Hash commitments of sealed windows. A minute seal commits to its readings; a coarser seal commits to
 * the seals of its non-empty child windows, so an auditor who recomputes the minute commitments from raw
 * readings can check any sealed aggregate up to the year. Defined here, once, because the chaincode
 * writes them and the auditor checks them.
 *
 * Both are SHA-256 (hex) over UTF-8 lines, one per element, sorted, each ending in "\n":
 *   readings: `<time> <meterId> <digest>`  (time as stored, UTC ms; digest = hex SHA-256 of the signed bytes)
 *   windows:  `<window id> <count> <commitment>`  (children with count 0 are left out)
 */
export interface CommittedReading {
  time: string;
  meterId: string;
  digest: string;
}

export interface CommittedWindow {
  window: string;
  count: number;
  commitment: string;
}

function commit(lines: string[]): string {
  lines.sort();
  return sha256Hex(Buffer.from(lines.join(''), 'utf8'));
}

export function readingsCommitment(readings: readonly CommittedReading[]): string {
  return commit(readings.map((r) => `${r.time} ${r.meterId} ${r.digest}\n`));
}

export function windowsCommitment(children: readonly CommittedWindow[]): string {
  return commit(children.filter((c) => c.count > 0).map((c) => `${c.window} ${c.count} ${c.commitment}\n`));
}
