import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { MeterledgerError } from './errors';

/**
 * The network profile written by the meterledger network scripts to `<repo>/.fabric/network.json`: which
 * channel and chaincode to use, per organization its peers, CA and enrolled identities, and the MQTT
 * broker the meters publish to when the network runs one. This schema is its one definition: the network
 * tooling writes this type, the SDKs read it.
 */

const nonEmpty = z.string().trim().min(1, 'must be a non-empty string');
const filePath = nonEmpty;

const peerSchema = z.object({
  name: nonEmpty,
  endpoint: nonEmpty.regex(/^(\[[0-9A-Fa-f:.]+\]|[^\s:/[\]]+):\d{1,5}$/, 'must be host:port, e.g. 127.0.0.1:7051'),
  hostAlias: nonEmpty,
  tlsRootCertPath: filePath,
});

const identitySchema = z.object({
  certPath: filePath,
  keyPath: filePath,
  /** Value of the identity's `role` certificate attribute (admin, registrar, ...), or null for none. */
  role: z.string().min(1).nullable(),
  /** Customer orgs: the weighing station a station identity acts for (its `meterledger.station` attribute). */
  station: z.string().min(1).optional(),
});

const orgSchema = z.object({
  mspId: nonEmpty,
  /** What the organization is in the meterledger deployment, e.g. `authority`. */
  kind: nonEmpty,
  peers: z.array(peerSchema).min(1, 'must list at least one peer'),
  ca: z.object({ url: z.string().url('must be a URL'), tlsCertPath: filePath }).optional(),
  identities: z.record(nonEmpty, identitySchema),
});

/** The MQTT broker started with the network (`mqtt` section of the topology), e.g. mqtt://127.0.0.1:1883. */
const mqttSchema = z.object({
  url: nonEmpty.url('must be a URL').regex(/^(mqtts?|wss?):\/\//, 'must be an mqtt://, mqtts://, ws:// or wss:// URL'),
});

const profileSchema = z.object({
  channel: nonEmpty,
  chaincode: z.object({
    name: nonEmpty,
    sequence: z.number().int().positive(),
    version: nonEmpty,
  }),
  orgs: z.record(nonEmpty, orgSchema).refine((orgs) => Object.keys(orgs).length > 0, 'must define at least one org'),
  /** Absent when the network has no broker. */
  mqtt: mqttSchema.optional(),
});

export type NetworkProfile = z.infer<typeof profileSchema>;
export type OrgProfile = z.infer<typeof orgSchema>;
export type PeerProfile = z.infer<typeof peerSchema>;
export type IdentityProfile = z.infer<typeof identitySchema>;
export type MqttProfile = z.infer<typeof mqttSchema>;

/**
 * A local configuration error: the profile cannot be found or read (PROFILE_NOT_FOUND), fails validation
 * (PROFILE_INVALID), or lacks the org, identity or peer asked for (UNKNOWN_PROFILE_ENTRY); an identity's
 * files are missing (CREDENTIALS_NOT_FOUND) or unusable (CREDENTIALS_INVALID).
 */
export class ProfileError extends MeterledgerError {
  constructor(
    code: 'PROFILE_NOT_FOUND' | 'PROFILE_INVALID' | 'UNKNOWN_PROFILE_ENTRY' | 'CREDENTIALS_NOT_FOUND' | 'CREDENTIALS_INVALID',
    message: string,
    details: string[] = [],
    cause?: unknown,
  ) {
    super({ code, message, details, cause });
    this.name = 'ProfileError';
  }
}

/** Environment variable naming the profile file; overrides the default location. */
export const PROFILE_ENV = 'MLEDGER_PROFILE';

/** Walk up from `start` to the directory holding `lerna.json` (the monorepo root). */
export function findRepoRoot(start: string = process.cwd()): string | undefined {
  let dir = path.resolve(start);
  for (;;) {
    if (fs.existsSync(path.join(dir, 'lerna.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** The network tooling's state folder variable: its network.json is the profile of that network. */
export const STATE_DIR_ENV = 'MLEDGER_STATE_DIR';

/** `$MLEDGER_PROFILE`, else `$MLEDGER_STATE_DIR/network.json`, else `<repo>/.fabric/network.json`. */
export function defaultProfilePath(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): string {
  const fromEnv = env[PROFILE_ENV];
  if (fromEnv !== undefined && fromEnv.trim() !== '') return path.resolve(cwd, fromEnv);
  const stateDir = env[STATE_DIR_ENV];
  if (stateDir !== undefined && stateDir.trim() !== '') return path.resolve(cwd, stateDir, 'network.json');
  const root = findRepoRoot(cwd);
  if (root === undefined) {
    throw new ProfileError(
      'PROFILE_NOT_FOUND',
      `no network profile: ${PROFILE_ENV} is not set and no lerna.json was found above ${cwd}`,
    );
  }
  return path.join(root, '.fabric', 'network.json');
}

function issuePath(issuePathParts: (string | number)[]): string {
  return issuePathParts.reduce<string>(
    (acc, part) => (typeof part === 'number' ? `${acc}[${part}]` : acc ? `${acc}.${part}` : part),
    '',
  );
}

/**
 * Validate an already-parsed profile. Relative file paths are resolved against `baseDir` (the profile's
 * directory when loaded from a file).
 */
export function parseNetworkProfile(value: unknown, source = 'network profile', baseDir?: string): NetworkProfile {
  const result = profileSchema.safeParse(value);
  if (!result.success) {
    const details = result.error.issues.map((issue) => `${issuePath(issue.path) || '(root)'}: ${issue.message}`);
    throw new ProfileError('PROFILE_INVALID', `invalid ${source}:\n  - ${details.join('\n  - ')}`, details, result.error);
  }
  const profile = result.data;
  if (baseDir === undefined) return profile;
  const resolve = (p: string) => path.resolve(baseDir, p);
  for (const org of Object.values(profile.orgs)) {
    for (const peer of org.peers) peer.tlsRootCertPath = resolve(peer.tlsRootCertPath);
    if (org.ca) org.ca.tlsCertPath = resolve(org.ca.tlsCertPath);
    for (const identity of Object.values(org.identities)) {
      identity.certPath = resolve(identity.certPath);
      identity.keyPath = resolve(identity.keyPath);
    }
  }
  return profile;
}

/** Read and validate the network profile (see {@link defaultProfilePath} for where it is looked for). */
export function loadNetworkProfile(profilePath?: string): NetworkProfile {
  const file = profilePath !== undefined ? path.resolve(profilePath) : defaultProfilePath();
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new ProfileError(
        'PROFILE_NOT_FOUND',
        `network profile ${file} does not exist; start the network or set ${PROFILE_ENV}`,
        [],
        err,
      );
    }
    throw new ProfileError('PROFILE_NOT_FOUND', `cannot read network profile ${file}: ${(err as Error).message}`, [], err);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ProfileError('PROFILE_INVALID', `network profile ${file} is not valid JSON: ${(err as Error).message}`, [], err);
  }
  return parseNetworkProfile(json, `network profile ${file}`, path.dirname(file));
}

/** Look up an org by its profile key or MSP id, with an error listing what exists. */
export function selectOrg(profile: NetworkProfile, org: string): OrgProfile {
  const byKey = profile.orgs[org];
  if (byKey) return byKey;
  const byMsp = Object.values(profile.orgs).find((o) => o.mspId === org);
  if (byMsp) return byMsp;
  throw new ProfileError(
    'UNKNOWN_PROFILE_ENTRY',
    `org '${org}' is not in the network profile; known orgs: ${Object.keys(profile.orgs).join(', ')}`,
  );
}

/** Look up an identity of an org, with an error listing what exists. */
export function selectIdentity(org: OrgProfile, identity: string): IdentityProfile {
  const found = org.identities[identity];
  if (found) return found;
  throw new ProfileError(
    'UNKNOWN_PROFILE_ENTRY',
    `identity '${identity}' is not enrolled for ${org.mspId}; known identities: ${Object.keys(org.identities).join(', ') || '(none)'}`,
  );
}

/** Pick a peer of an org by name, endpoint or host alias; the first peer when `peer` is omitted. */
export function selectPeer(org: OrgProfile, peer?: string): PeerProfile {
  if (peer === undefined) return org.peers[0];
  const found = org.peers.find((p) => p.name === peer || p.endpoint === peer || p.hostAlias === peer);
  if (found) return found;
  throw new ProfileError(
    'UNKNOWN_PROFILE_ENTRY',
    `peer '${peer}' is not a peer of ${org.mspId}; known peers: ${org.peers.map((p) => p.name).join(', ')}`,
  );
}
