// One Fabric CA per organisation. `caServer` says how to run fabric-ca-server; `enrollmentPlan`
// lists, in order, the fabric-ca-client calls that give every node and identity of the org its
// certificates (enrollment cert + key, and for nodes a TLS cert from the same CA's "tls" profile);
// `enrollOrg` runs the plan and lays the results out as MSP folders.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { bin } from './fabric';
import { exportKeyPair, normalizeMsp, normalizeTls, writeOrgMsp } from './msp';
import type { StatePaths } from './paths';
import { runCommand, type ProcessSpec } from './process';
import {
  caHost,
  caName,
  enrollmentId,
  ORG_ADMIN,
  orgDomain,
  ordererHost,
  peerHost,
  type AnyOrg,
  type Topology,
} from './topology';

/** fabric-ca-server's bootstrap registrar (-b). Local development network only. */
export const CA_BOOTSTRAP = { user: 'admin', password: 'adminpw' };
/** The attribute carrying an identity's MeterLedger role in its enrollment certificate. */
export const ROLE_ATTRIBUTE = 'meterledger.role';
/** The weighing station of a customer's station identity (the chaincode's STATION_ATTRIBUTE). */
export const STATION_ATTRIBUTE = 'meterledger.station';

export function caUrl(t: Topology, org: AnyOrg): string {
  return `https://${t.host}:${org.ca.port}`;
}

/** Names the CA's own TLS certificate is valid for. */
export function caCsrHosts(t: Topology, org: AnyOrg): string[] {
  return [caHost(t, org), 'localhost', t.host];
}

export function caServerEnv(t: Topology, org: AnyOrg, paths: StatePaths): Record<string, string> {
  return {
    FABRIC_CA_SERVER_HOME: paths.caHome(org.name),
    FABRIC_CA_SERVER_CA_NAME: caName(org),
    FABRIC_CA_SERVER_ADDRESS: t.host,
    FABRIC_CA_SERVER_PORT: String(org.ca.port),
    FABRIC_CA_SERVER_TLS_ENABLED: 'true',
    FABRIC_CA_SERVER_CSR_CN: caHost(t, org),
    FABRIC_CA_SERVER_OPERATIONS_LISTENADDRESS: `${t.host}:${org.ca.operationsPort}`,
  };
}

/** Arguments after the program name; csr.hosts is a list, which flags express reliably (env vars do not). */
export function caServerArgs(t: Topology, org: AnyOrg): string[] {
  return ['start', '-b', `${CA_BOOTSTRAP.user}:${CA_BOOTSTRAP.password}`, ...caCsrHosts(t, org).flatMap((h) => ['--csr.hosts', h])];
}

export function caProcessName(org: AnyOrg): string {
  return `ca-${org.name}`;
}

export function caServer(t: Topology, org: AnyOrg, paths: StatePaths): ProcessSpec {
  return {
    name: caProcessName(org),
    bin: bin(paths, 'fabric-ca-server'),
    args: caServerArgs(t, org),
    env: caServerEnv(t, org, paths),
    port: org.ca.port,
    host: t.host,
  };
}

/** What to do with an enrollment's output folder once fabric-ca-client has written it. */
export type AfterEnroll =
  | { kind: 'msp'; dir: string }
  | { kind: 'tls'; dir: string }
  | { kind: 'user'; dir: string; cert: string; key: string };

export interface CaClientCall {
  what: string;
  args: string[];
  after?: AfterEnroll;
}

interface Member {
  name: string; // folder / display name
  id: string; // enrollment id
  type: 'peer' | 'orderer' | 'admin' | 'client';
  attrs?: string;
  node?: { host: string };
}

function members(t: Topology, org: AnyOrg): Member[] {
  const out: Member[] = [];
  if ('orderers' in org) {
    for (const o of org.orderers) out.push({ name: o.name, id: enrollmentId(org, o.name), type: 'orderer', node: { host: ordererHost(t, o) } });
  } else {
    for (const p of org.peers) out.push({ name: p.name, id: enrollmentId(org, p.name), type: 'peer', node: { host: peerHost(t, org, p) } });
  }
  out.push({ name: ORG_ADMIN, id: enrollmentId(org, ORG_ADMIN), type: 'admin' });
  if ('identities' in org) {
    for (const i of org.identities) {
      const attrs = [i.role ? `${ROLE_ATTRIBUTE}=${i.role}:ecert` : '', i.station ? `${STATION_ATTRIBUTE}=${i.station}:ecert` : ''].filter((a) => a !== '');
      out.push({ name: i.name, id: enrollmentId(org, i.name), type: i.type, attrs: attrs.length ? attrs.join(',') : undefined });
    }
  }
  return out;
}

/** Deterministic per-identity secret. Fine for a local network whose CA listens on 127.0.0.1 only. */
export function secretOf(id: string): string {
  return `${id}pw`;
}

/** The fabric-ca-client calls for one org, in order. Run with FABRIC_CA_CLIENT_HOME = paths.caAdmin(org). */
export function enrollmentPlan(t: Topology, org: AnyOrg, paths: StatePaths): CaClientCall[] {
  const host = `${t.host}:${org.ca.port}`;
  const common = ['--caname', caName(org), '--tls.certfiles', paths.caTlsBundle(org.name)];
  const adminMsp = path.join(paths.caAdmin(org.name), 'msp');
  const calls: CaClientCall[] = [
    {
      what: `enroll CA registrar of ${org.name}`,
      args: ['enroll', '-u', `https://${CA_BOOTSTRAP.user}:${CA_BOOTSTRAP.password}@${host}`, '--mspdir', adminMsp, ...common],
    },
  ];
  for (const m of members(t, org)) {
    const attrs = m.attrs ? ['--id.attrs', m.attrs] : [];
    calls.push({
      what: `register ${m.id}`,
      args: ['register', '-u', `https://${host}`, '--mspdir', adminMsp, '--id.name', m.id, '--id.secret', secretOf(m.id), '--id.type', m.type, ...attrs, ...common],
    });
    const login = `https://${m.id}:${secretOf(m.id)}@${host}`;
    if (m.node) {
      const hosts = [m.node.host, 'localhost', t.host].flatMap((h) => ['--csr.hosts', h]);
      const msp = paths.nodeMsp(org.name, m.node.host);
      const tls = paths.nodeTls(org.name, m.node.host);
      calls.push({ what: `enroll ${m.node.host}`, args: ['enroll', '-u', login, '--mspdir', msp, ...hosts, ...common], after: { kind: 'msp', dir: msp } });
      calls.push({
        what: `enroll TLS certificate of ${m.node.host}`,
        args: ['enroll', '-u', login, '--mspdir', tls, '--enrollment.profile', 'tls', ...hosts, ...common],
        after: { kind: 'tls', dir: tls },
      });
    } else {
      const msp = paths.userMsp(org.name, m.name);
      calls.push({
        what: `enroll ${m.id}`,
        args: ['enroll', '-u', login, '--mspdir', msp, ...common],
        after: { kind: 'user', dir: msp, cert: paths.userCert(org.name, m.name), key: paths.userKey(org.name, m.name) },
      });
    }
  }
  return calls;
}

/** A client must trust both the CA's TLS server certificate and the CA root that signed it. */
export function writeCaTlsBundle(org: AnyOrg, paths: StatePaths): void {
  const home = paths.caHome(org.name);
  const parts = ['tls-cert.pem', 'ca-cert.pem'].map((f) => fs.readFileSync(path.join(home, f), 'utf8').trimEnd() + '\n');
  fs.writeFileSync(paths.caTlsBundle(org.name), parts.join(''));
}

function applyAfter(a: AfterEnroll): void {
  if (a.kind === 'msp') normalizeMsp(a.dir);
  else if (a.kind === 'tls') normalizeTls(a.dir);
  else {
    normalizeMsp(a.dir);
    exportKeyPair(a.dir, a.cert, a.key);
  }
}

/**
 * Registers and enrolls everything of one org (its CA must be running), then writes the org's
 * channel MSP. Skipped when a previous run completed it; a re-run after a partial failure tolerates
 * "already registered" and re-enrolls into fresh folders.
 */
/**
 * The calls that enroll the client identities of `plan` whose certificate does not exist yet (an identity
 * added to the topology of an org enrolled before): the CA registrar's enroll, then each one's register and
 * enroll. Empty when every identity has its certificate.
 */
export function missingIdentities(plan: readonly CaClientCall[], exists: (file: string) => boolean = fs.existsSync): CaClientCall[] {
  const missing: CaClientCall[] = [];
  plan.forEach((call, i) => {
    if (call.after?.kind === 'user' && !exists(call.after.cert)) missing.push(plan[i - 1], call);
  });
  return missing.length ? [plan[0], ...missing] : [];
}

export async function enrollOrg(t: Topology, org: AnyOrg, paths: StatePaths): Promise<'enrolled' | 'already enrolled' | 'identities added'> {
  const plan = enrollmentPlan(t, org, paths);
  const already = fs.existsSync(paths.enrolledMarker(org.name));
  const calls = already ? missingIdentities(plan) : plan;
  if (already && calls.length === 0) return 'already enrolled';
  writeCaTlsBundle(org, paths);
  const logPath = paths.log(`enroll-${org.name}`);
  const env = { FABRIC_CA_CLIENT_HOME: paths.caAdmin(org.name) };
  for (const call of calls) {
    if (call.after) fs.rmSync(call.after.dir, { recursive: true, force: true }); // no stale second key
    await runCommand(
      { bin: bin(paths, 'fabric-ca-client'), args: call.args, env },
      { step: `${org.name}: ${call.what}`, logPath, okIf: call.args[0] === 'register' ? /is already registered/ : undefined },
    );
    if (call.after) applyAfter(call.after);
  }
  if (already) return 'identities added';
  const firstNode = 'orderers' in org ? ordererHost(t, org.orderers[0]) : peerHost(t, org, org.peers[0]);
  writeOrgMsp(
    paths.orgMsp(org.name),
    path.join(paths.caHome(org.name), 'ca-cert.pem'),
    path.join(paths.nodeTls(org.name, firstNode), 'ca.crt'),
    paths.orgTlsCa(org.name),
  );
  fs.writeFileSync(paths.enrolledMarker(org.name), `${new Date().toISOString()} ${orgDomain(t, org)}\n`);
  return 'enrolled';
}
