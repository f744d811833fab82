// Loads and validates a topology (network/topologies/*.yaml), the single declaration of a network, and derives
// the names (host names, CA names, enrollment ids) every other module uses, so that a name is
// computed in exactly one place.
import * as fs from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';

const port = z.number().int().min(1024).max(65535);
// Org names end up in paths, package labels and (lower-cased) in DNS names.
const orgName = z.string().regex(/^[A-Za-z][A-Za-z0-9]*$/, 'letters and digits only, starting with a letter');
const nodeName = z.string().regex(/^[a-z][a-z0-9-]*$/, 'lower-case letters, digits and "-", starting with a letter');
const dnsName = z.string().regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/, 'a lower-case DNS name');
const mspId = z.string().regex(/^[A-Za-z][A-Za-z0-9.-]*$/, 'letters, digits, "." and "-"');

const caSchema = z.object({ port, operationsPort: port }).strict();

const identitySchema = z
  .object({
    name: nodeName,
    // "admin" identities get the NodeOU admin role (they can administer the org's peers);
    // "client" identities are plain application users.
    type: z.enum(['admin', 'client']),
    // value of the meterledger.role attribute put into the enrollment certificate (ecert);
    // omitted = no role attribute at all (the "norole" test identity).
    role: z.string().regex(/^[a-z][a-z0-9_-]*$/).optional(),
    // customer orgs only: the weighing station (meterledger.station attribute) a station identity acts for.
    station: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'letters, digits, ".", "_" and "-"').optional(),
  })
  .strict();

const peerSchema = z.object({ name: nodeName, port, chaincodePort: port, operationsPort: port }).strict();

const ordererSchema = z
  .object({ name: nodeName, port, adminPort: port, clusterPort: port, operationsPort: port })
  .strict();

const peerOrgSchema = z
  .object({
    name: orgName,
    mspId,
    // authority: a metrology institute, may be a registry authority (registry.authorities);
    // operator: runs metering infrastructure (the gateway that submits signed readings), never a registry authority;
    // customer: owns weighing stations (seeds 004) and a private collection of their tickets; outside the
    // chaincode's endorsement policy (see chaincode.ts endorsementPolicy).
    kind: z.enum(['authority', 'operator', 'customer']),
    domain: dnsName.optional(),
    ca: caSchema,
    peers: z.array(peerSchema).min(1),
    identities: z.array(identitySchema).default([]),
  })
  .strict();

const ordererOrgSchema = z
  .object({
    name: orgName,
    mspId,
    domain: dnsName.optional(),
    ca: caSchema,
    // Raft needs a majority alive; 3 tolerates one failure.
    orderers: z.array(ordererSchema).min(1),
  })
  .strict();

// Go duration / byte-size strings as configtx.yaml takes them.
const duration = z.string().regex(/^\d+(ms|s)$/, 'a duration such as 250ms or 2s');
const byteSize = z.string().regex(/^\d+ (KB|MB)$/, 'a size such as 512 KB or 2 MB');

/** How the orderers cut blocks (configtx.yaml Orderer.BatchTimeout / BatchSize); what throughput depends on. */
const orderingSchema = z
  .object({
    batchTimeout: duration.default('2s'),
    maxMessageCount: z.number().int().min(1).max(10_000).default(10),
    preferredMaxBytes: byteSize.default('512 KB'),
  })
  .strict();

/** The MQTT broker (mosquitto) meters and the metering gateway talk through, on `host`. */
const mqttSchema = z.object({ port }).strict();

/** The registry's first configuration, written by `deploy` (002 §4.2.2: more than one RA must inspect a meter). */
const registrySchema = z
  .object({
    approvalThreshold: z.number().int().min(1),
    /** Org names (kind authority); default: every authority org. */
    authorities: z.array(orgName).min(1).optional(),
  })
  .strict();

export const topologySchema = z
  .object({
    domain: dnsName,
    host: z.string().ip({ version: 'v4' }).default('127.0.0.1'),
    // Fabric's channel-name rule.
    channel: z.string().regex(/^[a-z][a-z0-9.-]{0,248}$/, 'a Fabric channel name ([a-z][a-z0-9.-]*)'),
    stateDatabase: z.literal('goleveldb').default('goleveldb'),
    chaincode: z
      .object({
        name: z.string().regex(/^[a-zA-Z0-9]+([-_][a-zA-Z0-9]+)*$/, 'a Fabric chaincode name'),
        labelPrefix: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.+-]*$/, 'a Fabric package label'),
        version: z.string().min(1).default('1'),
        serverPorts: z.record(orgName, port),
      })
      .strict(),
    ordering: orderingSchema.default({}),
    registry: registrySchema.optional(),
    /** Omitted: `up` runs no broker and network.json has no mqtt entry. */
    mqtt: mqttSchema.optional(),
    ordererOrg: ordererOrgSchema,
    orgs: z.array(peerOrgSchema).min(1),
  })
  .strict()
  .superRefine((t, ctx) => {
    for (const message of crossChecks(t)) ctx.addIssue({ code: z.ZodIssueCode.custom, message });
  });

export type Topology = z.infer<typeof topologySchema>;
export type PeerOrg = Topology['orgs'][number];
export type OrdererOrg = Topology['ordererOrg'];
export type AnyOrg = PeerOrg | OrdererOrg;
export type Peer = PeerOrg['peers'][number];
export type Orderer = OrdererOrg['orderers'][number];
export type Identity = PeerOrg['identities'][number];
export type OrgKind = PeerOrg['kind'];

/** The identity the tooling itself uses to administer each org (join channels, approve chaincode). */
export const ORG_ADMIN = 'orgadmin';

export class TopologyError extends Error {}

/** Checks the schema cannot express: uniqueness of ports and names, chaincode ports per org. */
function crossChecks(t: z.infer<typeof topologySchema>): string[] {
  const problems: string[] = [];
  const ports = new Map<number, string>();
  const usePort = (p: number, user: string): void => {
    const other = ports.get(p);
    if (other) problems.push(`port ${p} is used by both ${other} and ${user}`);
    else ports.set(p, user);
  };
  const o = t.ordererOrg;
  usePort(o.ca.port, `${o.name} CA`);
  usePort(o.ca.operationsPort, `${o.name} CA operations`);
  for (const n of o.orderers) {
    usePort(n.port, n.name);
    usePort(n.adminPort, `${n.name} admin`);
    usePort(n.clusterPort, `${n.name} cluster`);
    usePort(n.operationsPort, `${n.name} operations`);
  }
  for (const org of t.orgs) {
    usePort(org.ca.port, `${org.name} CA`);
    usePort(org.ca.operationsPort, `${org.name} CA operations`);
    for (const p of org.peers) {
      usePort(p.port, `${org.name} ${p.name}`);
      usePort(p.chaincodePort, `${org.name} ${p.name} chaincode`);
      usePort(p.operationsPort, `${org.name} ${p.name} operations`);
    }
  }
  for (const [org, p] of Object.entries(t.chaincode.serverPorts)) usePort(p, `${org} chaincode server`);
  if (t.mqtt) usePort(t.mqtt.port, 'MQTT broker');

  const allOrgs: { name: string; mspId: string }[] = [o, ...t.orgs];
  duplicates(allOrgs.map((x) => x.name.toLowerCase())).forEach((n) => problems.push(`org name "${n}" is declared twice (names are compared case-insensitively)`));
  duplicates(allOrgs.map((x) => x.mspId)).forEach((m) => problems.push(`mspId "${m}" is declared twice`));
  duplicates(o.orderers.map((x) => x.name)).forEach((n) => problems.push(`orderer "${n}" is declared twice`));
  for (const org of t.orgs) {
    duplicates(org.peers.map((x) => x.name)).forEach((n) => problems.push(`${org.name}: peer "${n}" is declared twice`));
    duplicates(org.identities.map((x) => x.name)).forEach((n) => problems.push(`${org.name}: identity "${n}" is declared twice`));
    if (org.identities.some((i) => i.name === ORG_ADMIN)) problems.push(`${org.name}: identity name "${ORG_ADMIN}" is reserved for the tooling's own org admin`);
    if (t.chaincode.serverPorts[org.name] === undefined) problems.push(`chaincode.serverPorts has no port for org ${org.name}`);
    if (org.kind !== 'customer') {
      for (const i of org.identities) if (i.station !== undefined) problems.push(`${org.name}: identity "${i.name}" has a station, but only customer orgs have stations`);
    }
  }
  if (!t.orgs.some((org) => org.kind !== 'customer')) problems.push('at least one org must not be a customer (the chaincode endorsement policy names the other orgs)');
  if (t.registry) {
    const authorities = t.registry.authorities ?? t.orgs.filter((org) => org.kind === 'authority').map((org) => org.name);
    for (const name of authorities) {
      const org = t.orgs.find((o) => o.name === name);
      if (!org || org.kind !== 'authority') problems.push(`registry.authorities names ${name}, which is not an authority org${org ? ` (kind ${org.kind})` : ''}`);
    }
    if (t.registry.approvalThreshold > authorities.length) {
      problems.push(`registry.approvalThreshold ${t.registry.approvalThreshold} exceeds the ${authorities.length} authorities`);
    }
  }
  for (const name of Object.keys(t.chaincode.serverPorts)) {
    if (!t.orgs.some((org) => org.name === name)) problems.push(`chaincode.serverPorts names unknown org ${name}`);
  }
  return problems;
}

function duplicates(values: string[]): string[] {
  return [...new Set(values.filter((v, i) => values.indexOf(v) !== i))];
}

/** Validates an already-parsed document; throws TopologyError listing every problem with its location. */
export function parseTopology(doc: unknown, source = 'topology'): Topology {
  const result = topologySchema.safeParse(doc);
  if (result.success) return result.data;
  const lines = result.error.issues.map((i) => `  - ${i.path.length ? i.path.join('.') + ': ' : ''}${i.message}`);
  throw new TopologyError(`${source} is invalid:\n${lines.join('\n')}`);
}

/**
 * Every port of the topology moved by `offset`, so a second network (e.g. the test suite's) runs beside
 * a developer's network on the same machine. Applied to the parsed document before validation.
 */
export function shiftPorts(doc: unknown, offset: number): unknown {
  if (!offset) return doc;
  // Port fields are named "port" or "<x>Port"; chaincode.serverPorts maps org names to ports.
  const shift = (v: unknown, isPort: boolean): unknown => {
    if (Array.isArray(v)) return v.map((x) => shift(x, false));
    if (v && typeof v === 'object') {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, shift(x, k === 'serverPorts' ? false : /port$/i.test(k))]));
    }
    return isPort && typeof v === 'number' ? v + offset : v;
  };
  const shifted = shift(doc, false) as { chaincode?: { serverPorts?: Record<string, unknown> } };
  const serverPorts = shifted?.chaincode?.serverPorts;
  if (serverPorts && typeof serverPorts === 'object') {
    for (const org of Object.keys(serverPorts)) serverPorts[org] = shift(serverPorts[org], true);
  }
  return shifted;
}

export function loadTopology(file: string, opts: { portOffset?: number } = {}): Topology {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new TopologyError(`cannot read topology file ${file}: ${(e as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (e) {
    throw new TopologyError(`${file} is not valid YAML: ${(e as Error).message}`);
  }
  return parseTopology(shiftPorts(doc, opts.portOffset ?? 0), file);
}

// ---- names derived from the topology (one place, so profile, CA, env and compose agree) ----

export function orgDomain(t: Topology, org: AnyOrg): string {
  return org.domain ?? `${org.name.toLowerCase()}.${t.domain}`;
}
export function peerHost(t: Topology, org: PeerOrg, peer: Peer): string {
  return `${peer.name}.${orgDomain(t, org)}`;
}
export function ordererHost(t: Topology, orderer: Orderer): string {
  return `${orderer.name}.${orgDomain(t, t.ordererOrg)}`;
}
export function caHost(t: Topology, org: AnyOrg): string {
  return `ca.${orgDomain(t, org)}`;
}
/** The CA's name inside fabric-ca-server (fabric-ca-client --caname). */
export function caName(org: AnyOrg): string {
  return `ca-${org.name.toLowerCase()}`;
}
/** Enrollment ids are prefixed with the org so none collides with the CA bootstrap user "admin". */
export function enrollmentId(org: AnyOrg, name: string): string {
  return `${org.name.toLowerCase()}-${name}`;
}
export function address(t: Topology, p: number): string {
  return `${t.host}:${p}`;
}
/** Where clients reach the topology's MQTT broker, e.g. mqtt://127.0.0.1:1883; null without an mqtt section. */
export function mqttUrl(t: Topology): string | null {
  return t.mqtt ? `mqtt://${t.host}:${t.mqtt.port}` : null;
}
export function allOrgs(t: Topology): AnyOrg[] {
  return [t.ordererOrg, ...t.orgs];
}
/** The registry's first configuration: the topology's, else every authority org with a threshold of min(2, their number). */
export function registryBootstrap(t: Topology): { approvalThreshold: number; authorityMspIds: string[] } {
  const names = t.registry?.authorities ?? t.orgs.filter((org) => org.kind === 'authority').map((org) => org.name);
  const authorityMspIds = names.map((n) => findOrg(t, n).mspId);
  return { approvalThreshold: t.registry?.approvalThreshold ?? Math.min(2, authorityMspIds.length), authorityMspIds };
}

export function findOrg(t: Topology, name: string): PeerOrg {
  const org = t.orgs.find((o) => o.name === name);
  if (!org) throw new TopologyError(`unknown org ${name} (known: ${t.orgs.map((o) => o.name).join(', ')})`);
  return org;
}
