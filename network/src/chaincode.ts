// Chaincode as a service. Each org gets its own package (label <prefix>_<org>_<version>) whose
// connection.json points at that org's own chaincode server, so every org endorses with a process
// it runs itself and the orgs' servers use CPU in parallel. The package holds no code: the peer's
// external builder (network/builders/ccaas) only hands connection.json to the peer. This file
// also holds the `peer lifecycle chaincode` command lines and the parsers for their output.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { peerAdminEnv, type EnvContext } from './env';
import { bin } from './fabric';
import { CHAINCODE_PROJECT_DIR, REPO_ROOT, type StatePaths } from './paths';
import type { Command, ProcessSpec } from './process';
import { tarGz } from './tar';
import { address, type Peer, type PeerOrg, type Topology } from './topology';

export interface ChaincodeDefinition {
  name: string;
  version: string;
  sequence: number;
  /**
   * sha256 of the endorsement policy and the collections config deploy approved (definitionFingerprint):
   * what `querycommitted` cannot easily be compared with, recorded so a change forces a new sequence.
   */
  fingerprint?: string;
}

// ---- endorsement policy and private data collections, derived from the topology ----

/**
 * The chaincode-level endorsement policy: a majority of the orgs that are not customers, the meaning the
 * channel's default (MAJORITY Endorsement) had before customers joined. Customers (seeds 004) endorse only
 * writes to their own collections, through the collections' policies: they are not part of the trust base of
 * the registry and the readings.
 */
export function endorsementPolicy(t: Topology): string {
  const orgs = t.orgs.filter((org) => org.kind !== 'customer');
  return `OutOf(${Math.floor(orgs.length / 2) + 1}, ${orgs.map((org) => `'${org.mspId}.peer'`).join(', ')})`;
}

export interface CollectionConfig {
  name: string;
  policy: string;
  requiredPeerCount: number;
  maxPeerCount: number;
  blockToLive: number;
  memberOnlyRead: boolean;
  memberOnlyWrite: boolean;
  endorsementPolicy: { signaturePolicy: string };
}

/**
 * The name of a customer's tickets collection: `tickets-<MSP id>`. The one place network/ names collections;
 * the weighing chaincode computes the same names (packages/chaincode/src/weighing/collections.ts) from the
 * caller's MSP id, the only org name it knows at run time, which is why they are MSP ids and not topology org
 * names (CustomerAMSP, not CustomerA).
 */
export function ticketsCollectionName(customerMspId: string): string {
  return `tickets-${customerMspId}`;
}

/** The collection shared by two customers: `routes-<a>-<b>`, a < b by plain JS string comparison (as the chaincode's sort()). */
export function routesCollectionName(mspIdX: string, mspIdY: string): string {
  const [a, b] = mspIdX < mspIdY ? [mspIdX, mspIdY] : [mspIdY, mspIdX];
  return `routes-${a}-${b}`;
}

/**
 * The weighing contract's collections: `tickets-<MSP>` per customer, `routes-<MSP a>-<MSP b>` per pair of
 * customers (a < b). Kept forever; member-only; each endorsed by its members' peers. With two peers an
 * endorsement waits until the private data is on the second peer too (requiredPeerCount 1), so an accepted
 * ticket survives the loss of one peer; while one of them is down, writes fail instead (the endorsing peer
 * cannot disseminate: "failed to distribute private collection"). With one peer there is nobody to
 * disseminate to (0 / 0). Empty without customers: such topologies get no collections config at all.
 */
export function collectionsConfig(t: Topology): CollectionConfig[] {
  const customers = t.orgs.filter((org) => org.kind === 'customer');
  const collection = (name: string, members: PeerOrg[]): CollectionConfig => {
    const peers = members.reduce((n, org) => n + org.peers.length, 0);
    const list = members.map((org) => `'${org.mspId}.member'`).join(', ');
    return {
      name,
      policy: `OR(${list})`,
      requiredPeerCount: peers >= 2 ? 1 : 0,
      maxPeerCount: Math.max(peers - 1, 0),
      blockToLive: 0,
      memberOnlyRead: true,
      memberOnlyWrite: true,
      endorsementPolicy: { signaturePolicy: `OR(${members.map((org) => `'${org.mspId}.peer'`).join(', ')})` },
    };
  };
  const out = customers.map((org) => collection(ticketsCollectionName(org.mspId), [org]));
  const sorted = [...customers].sort((a, b) => (a.mspId < b.mspId ? -1 : a.mspId > b.mspId ? 1 : 0));
  for (const [i, a] of sorted.entries()) for (const b of sorted.slice(i + 1)) out.push(collection(routesCollectionName(a.mspId, b.mspId), [a, b]));
  return out;
}

/**
 * What a change of forces a new sequence: sha256 of the endorsement policy and the collections config
 * (JSON with the fixed key order collectionsConfig builds, so the same topology always gives the same hash).
 */
export function definitionFingerprint(t: Topology): string {
  return createHash('sha256').update(JSON.stringify({ policy: endorsementPolicy(t), collections: collectionsConfig(t) })).digest('hex');
}

export interface ChaincodePackage {
  org: string;
  label: string;
  bytes: Buffer;
  /** What Fabric calls the package: <label>:<sha256 of the package file>. */
  packageId: string;
}

export function packageLabel(t: Topology, org: PeerOrg, version: string): string {
  return `${t.chaincode.labelPrefix}_${org.name.toLowerCase()}_${version}`;
}

export function serverAddress(t: Topology, org: PeerOrg): string {
  return address(t, t.chaincode.serverPorts[org.name]);
}

export function connectionJson(t: Topology, org: PeerOrg) {
  return { address: serverAddress(t, org), dial_timeout: '10s', tls_required: false };
}

export function chaincodePackage(t: Topology, org: PeerOrg, version: string): ChaincodePackage {
  const label = packageLabel(t, org, version);
  const code = tarGz([{ name: 'connection.json', content: JSON.stringify(connectionJson(t, org)) }]);
  const bytes = tarGz([
    { name: 'metadata.json', content: JSON.stringify({ type: 'ccaas', label }) },
    { name: 'code.tar.gz', content: code },
  ]);
  return { org: org.name, label, bytes, packageId: `${label}:${createHash('sha256').update(bytes).digest('hex')}` };
}

/** "1" -> "2"; "1.4" -> "1.5"; anything else gets ".1" appended. */
export function bumpVersion(version: string): string {
  const m = /^(.*?)(\d+)$/.exec(version);
  return m ? `${m[1]}${Number(m[2]) + 1}` : `${version}.1`;
}

/**
 * The definition `deploy` should end up with, given what is committed now:
 * nothing committed -> sequence 1 with the topology's version; committed and --upgrade -> bump
 * both; committed without --upgrade -> keep it (deploy then only makes sure servers run), unless the
 * endorsement policy or the collections changed since deploy committed it (`deployed`, what it recorded):
 * then the next sequence with the same version. A definition committed before fingerprints were recorded
 * counts as unchanged.
 */
export function targetDefinition(t: Topology, committed: ChaincodeDefinition | null, upgrade: boolean, deployed: ChaincodeDefinition | null = null): ChaincodeDefinition {
  const fingerprint = definitionFingerprint(t);
  if (!committed) return { name: t.chaincode.name, version: t.chaincode.version, sequence: 1, fingerprint };
  if (upgrade) return { name: committed.name, version: bumpVersion(committed.version), sequence: committed.sequence + 1, fingerprint };
  // Policy or collections changed since deploy last committed (an org joined): a new sequence, same code.
  const changed = deployed?.fingerprint !== undefined && deployed.sequence === committed.sequence && deployed.fingerprint !== fingerprint;
  if (changed) return { name: committed.name, version: committed.version, sequence: committed.sequence + 1, fingerprint };
  return { ...committed, fingerprint };
}

// ---- peer lifecycle chaincode command lines ----

function lifecycle(ctx: EnvContext, org: PeerOrg, args: string[], peer: Peer = org.peers[0]): Command {
  return { bin: bin(ctx.paths, 'peer'), args: ['lifecycle', 'chaincode', ...args], env: peerAdminEnv(ctx, org, peer) };
}

/** Where the peer CLI reaches the ordering service (first orderer, TLS with the orderer org's root). */
export function ordererArgs(ctx: EnvContext): string[] {
  const t = ctx.topology;
  return ['-o', address(t, t.ordererOrg.orderers[0].port), '--tls', '--cafile', ctx.paths.orgTlsCa(t.ordererOrg.name)];
}

function definitionArgs(ctx: EnvContext, d: ChaincodeDefinition): string[] {
  const t = ctx.topology;
  const collections = collectionsConfig(t).length ? ['--collections-config', ctx.paths.collectionsConfig] : [];
  return ['--channelID', t.channel, '--name', d.name, '--version', d.version, '--sequence', String(d.sequence), '--signature-policy', endorsementPolicy(t), ...collections];
}

/** Write the collections config definitionArgs points at (deploy, before any approval). */
export function writeCollectionsConfig(t: Topology, paths: StatePaths): void {
  const collections = collectionsConfig(t);
  if (!collections.length) return;
  fs.mkdirSync(path.dirname(paths.collectionsConfig), { recursive: true });
  fs.writeFileSync(paths.collectionsConfig, JSON.stringify(collections, null, 2) + '\n');
}

export const lifecycleCommands = {
  install: (ctx: EnvContext, org: PeerOrg, peer: Peer, packageFile: string) => lifecycle(ctx, org, ['install', packageFile], peer),
  queryInstalled: (ctx: EnvContext, org: PeerOrg, peer: Peer) => lifecycle(ctx, org, ['queryinstalled', '--output', 'json'], peer),
  approve: (ctx: EnvContext, org: PeerOrg, d: ChaincodeDefinition, packageId: string) =>
    lifecycle(ctx, org, ['approveformyorg', ...ordererArgs(ctx), ...definitionArgs(ctx, d), '--package-id', packageId]),
  checkCommitReadiness: (ctx: EnvContext, org: PeerOrg, d: ChaincodeDefinition) =>
    lifecycle(ctx, org, ['checkcommitreadiness', ...definitionArgs(ctx, d), '--output', 'json']),
  /** Endorsed by the first peer of every org (LifecycleEndorsement is MAJORITY). */
  commit: (ctx: EnvContext, org: PeerOrg, d: ChaincodeDefinition) =>
    lifecycle(ctx, org, [
      'commit',
      ...ordererArgs(ctx),
      ...definitionArgs(ctx, d),
      ...ctx.topology.orgs.flatMap((o) => ['--peerAddresses', address(ctx.topology, o.peers[0].port), '--tlsRootCertFiles', ctx.paths.orgTlsCa(o.name)]),
    ]),
  queryCommitted: (ctx: EnvContext, org: PeerOrg) =>
    lifecycle(ctx, org, ['querycommitted', '--channelID', ctx.topology.channel, '--name', ctx.topology.chaincode.name, '--output', 'json']),
};

/** What querycommitted prints when nothing is committed yet (it then exits non-zero). */
export const NOT_COMMITTED = /namespace \S+ is not defined|status: 404/;

/** Output of a successful querycommitted --name --output json; null if it holds no definition. */
export function parseCommitted(name: string, output: string): ChaincodeDefinition | null {
  const json = extractJson(output) as { sequence?: number; version?: string } | null;
  if (!json || typeof json.sequence !== 'number' || typeof json.version !== 'string') return null;
  return { name, version: json.version, sequence: json.sequence };
}

export function parseInstalled(output: string): string[] {
  const json = extractJson(output) as { installed_chaincodes?: { package_id: string }[] } | null;
  return (json?.installed_chaincodes ?? []).map((c) => c.package_id);
}

/** Approvals per MSP id, from checkcommitreadiness or querycommitted --name (which lists every org of the channel). */
export function parseApprovals(output: string): Record<string, boolean> {
  const json = extractJson(output) as { approvals?: Record<string, boolean> } | null;
  return json?.approvals ?? {};
}

function extractJson(output: string): unknown {
  const start = output.indexOf('{');
  const end = output.lastIndexOf('}');
  if (start < 0 || end < start) return null;
  try {
    return JSON.parse(output.slice(start, end + 1));
  } catch {
    return null;
  }
}

// ---- what deploy last committed (for network.json written by a later `up`) ----

export function readDeployedDefinition(paths: StatePaths): ChaincodeDefinition | null {
  try {
    return JSON.parse(fs.readFileSync(paths.chaincodeDefinition, 'utf8')) as ChaincodeDefinition;
  } catch {
    return null;
  }
}

export function writeDeployedDefinition(paths: StatePaths, d: ChaincodeDefinition): void {
  fs.mkdirSync(path.dirname(paths.chaincodeDefinition), { recursive: true });
  fs.writeFileSync(paths.chaincodeDefinition, JSON.stringify(d) + '\n');
}

// ---- the chaincode servers ----

export function chaincodeProcessName(org: PeerOrg): string {
  return `chaincode-${org.name}`;
}

/** The chaincode project served by the chaincode servers: packages/chaincode unless MLEDGER_CHAINCODE_DIR says otherwise. */
export function chaincodeProjectDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.MLEDGER_CHAINCODE_DIR ? path.resolve(env.MLEDGER_CHAINCODE_DIR) : CHAINCODE_PROJECT_DIR;
}

/** fabric-chaincode-node as installed for the project (possibly hoisted to the root node_modules). */
export function chaincodeServerBin(projectDir: string = CHAINCODE_PROJECT_DIR): string {
  const candidates = [projectDir, REPO_ROOT].map((d) => path.join(d, 'node_modules', '.bin', 'fabric-chaincode-node'));
  return candidates.find((c) => fs.existsSync(c)) ?? candidates[0];
}

/** Why the chaincode cannot be served, or null when it can. */
export function chaincodeProjectProblem(projectDir: string = CHAINCODE_PROJECT_DIR): string | null {
  const main = path.join(projectDir, 'dist', 'index.js');
  if (!fs.existsSync(main)) return `${main} does not exist: build the chaincode first (npm run build -w packages/chaincode)`;
  const server = chaincodeServerBin(projectDir);
  if (!fs.existsSync(server)) return `fabric-chaincode-node not found (${server}): run npm install (the chaincode depends on fabric-shim)`;
  return null;
}

/** The compiled supervisor beside this module (dist/supervise.js, or src/supervise.ts under ts-jest). */
export const SUPERVISOR = path.join(__dirname, '..', 'dist', 'supervise.js');

export function chaincodeServer(t: Topology, org: PeerOrg, packageId: string, projectDir: string = CHAINCODE_PROJECT_DIR): ProcessSpec {
  const port = t.chaincode.serverPorts[org.name];
  // Under our supervisor (dist/supervise.js), which restarts the server if it dies.
  return {
    name: chaincodeProcessName(org),
    bin: process.execPath,
    args: [SUPERVISOR, chaincodeServerBin(projectDir), 'server', '--chaincode-address', address(t, port), '--chaincode-id', packageId],
    cwd: projectDir,
    // fabric-shim logs an INFO line per transaction, about a tenth of the server's CPU under load; warnings
    // and errors still reach the log (as the peers' WARNING level, see env.ts).
    env: { CORE_CHAINCODE_LOGGING_LEVEL: 'WARNING' },
    port,
    host: t.host,
  };
}
