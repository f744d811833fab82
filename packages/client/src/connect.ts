import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import { promises as fsp } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import {
  connect as connectGateway,
  hash,
  signers,
  type ConnectOptions as GatewayConnectOptions,
  type Gateway,
  type Network,
  type Signer,
} from '@hyperledger/fabric-gateway';
import { signEcdsaSha256LowS } from '@meterledger/crypto';
import type * as FabricNetwork from 'fabric-network';
import type { ResolutionOptions } from './commit-resolution';
import { defaultAsLocalhost, toCommonConnectionProfile } from './connection-profile';
import { ContractClient } from './contract-client';
import { MeterledgerError } from './errors';
import { connectFabricNetwork } from './fabric-network-transport';
import { gatewayLedgerTarget, GatewayContractTransport, type AlternateGateway } from './gateway-transport';
import type { LedgerTarget } from './ledger';
import {
  loadNetworkProfile,
  ProfileError,
  selectIdentity,
  selectOrg,
  selectPeer,
  type NetworkProfile,
  type OrgProfile,
  type PeerProfile,
} from './profile';
import { resolveTransportKind, type ContractTransport, type Transport, type TransportKind } from './transport';

/** Per-stage gRPC deadlines in milliseconds. */
export interface Deadlines {
  evaluate: number;
  endorse: number;
  submit: number;
  commitStatus: number;
}

export const DEFAULT_DEADLINES: Readonly<Deadlines> = Object.freeze({
  evaluate: 5_000,
  endorse: 15_000,
  submit: 5_000,
  commitStatus: 60_000,
});

export interface ConnectOptions {
  /** A loaded profile, a path to one, or omitted for the default location (see loadNetworkProfile). */
  profile?: NetworkProfile | string;
  /** Org key in the profile (`PTB`) or its MSP id (`PTBMSP`). */
  org: string;
  /** Identity name in the org's `identities` (`admin`, `registrar`, ...). */
  identity: string;
  /**
   * `gateway` (default; @hyperledger/fabric-gateway, peers with the Gateway service, Fabric ≥ 2.4) or
   * `fabric-network` (fabric-network 2.2, for peers without it). When omitted, `$MLEDGER_TRANSPORT`, else
   * `gateway`.
   */
  transport?: TransportKind;
  /**
   * Peer name, endpoint or host alias; defaults to the org's first peer. With `gateway` it is the gateway
   * peer; with `fabric-network` the first discovery, query and event peer.
   */
  peer?: string;
  deadlines?: Partial<Deadlines>;
  /** How an unknown commit outcome is resolved on the ledger (timing, resubmissions); see commit-resolution.ts. */
  resolution?: ResolutionOptions;
  /**
   * `gateway` only: share an existing gRPC client to the peer instead of creating one (see
   * ConnectWithIdentityOptions).
   */
  grpcClient?: grpc.Client;
  /**
   * `fabric-network` only: reach discovered peers and orderers as `localhost` (a network on this machine).
   * Default: true when every peer endpoint in the profile is a loopback address.
   */
  asLocalhost?: boolean;
}

export interface ConnectWithIdentityOptions {
  /** Gateway peer `host:port`. */
  endpoint: string;
  /** Name in the peer's TLS certificate when it differs from the endpoint host (`grpc.ssl_target_name_override`). */
  hostAlias?: string;
  /** PEM of the CA that issued the peer's TLS certificate. */
  tlsRootCert: string | Uint8Array;
  mspId: string;
  /** PEM X.509 certificate of the client identity. */
  certificate: string | Uint8Array;
  /** PEM private key of the client identity, or an already parsed key. */
  privateKey: string | Uint8Array | crypto.KeyObject;
  channel: string;
  /** Chaincode name, e.g. `meterledger`. */
  chaincode: string;
  deadlines?: Partial<Deadlines>;
  /**
   * An existing gRPC client to share between connections (fabric-gateway recommends one per peer). It is
   * not closed by {@link MeterledgerConnection.close}; when omitted a client is created and owned.
   */
  grpcClient?: grpc.Client;
  /**
   * Other gateway peers (any org of the channel), used only when a submit's outcome is unknown: to look the
   * transaction up on the ledger and to resubmit the same signed transaction when the gateway peer is
   * unreachable. connect() lists every other peer of the profile here, the own org's first.
   */
  alternatePeers?: readonly AlternatePeer[];
  resolution?: ResolutionOptions;
}

/** A peer to connect to lazily; see ConnectWithIdentityOptions.alternatePeers. */
export interface AlternatePeer {
  endpoint: string;
  hostAlias?: string;
  /** PEM, or a function reading it when first needed. */
  tlsRootCert: string | Uint8Array | (() => string | Uint8Array);
}

interface ConnectionBase {
  readonly transport: TransportKind;
  readonly channel: string;
  readonly chaincodeName: string;
  readonly mspId: string;
  /** A typed client for one contract of the chaincode (the default contract when omitted). */
  contract(contractName?: string): ContractClient;
  /** Close what this connection created (gateways, gRPC clients, fabric-network connections). Safe to call twice. */
  close(): void;
}

/** A connection through @hyperledger/fabric-gateway. */
export interface GatewayConnection extends ConnectionBase {
  readonly transport: 'gateway';
  readonly gateway: Gateway;
  readonly network: Network;
}

/** A connection through fabric-network 2.2. */
export interface FabricNetworkConnection extends ConnectionBase {
  readonly transport: 'fabric-network';
  readonly gateway: FabricNetwork.Gateway;
  /** The channel: `getName()` as fabric-gateway's Network has it, and the fabric-network Network itself. */
  readonly network: { getName(): string; readonly fabricNetwork: FabricNetwork.Network };
}

/** A connected identity on one channel and chaincode; `transport` tells which SDK carries it. */
export type MeterledgerConnection = GatewayConnection | FabricNetworkConnection;

/** Channel options of the gRPC client for a peer, pinning the TLS name to the host alias. */
export function grpcClientOptions(hostAlias?: string): grpc.ClientOptions {
  return hostAlias ? { 'grpc.ssl_target_name_override': hostAlias } : {};
}

/** A gRPC client for one peer endpoint over TLS. Connects lazily, on the first call. */
export function newGrpcClient(endpoint: string, tlsRootCert: string | Uint8Array, hostAlias?: string): grpc.Client {
  let credentials: grpc.ChannelCredentials;
  try {
    // grpc-js only parses the PEM on the first call; check it now so a bad path fails at connect time.
    new crypto.X509Certificate(Buffer.from(tlsRootCert));
    credentials = grpc.credentials.createSsl(Buffer.from(tlsRootCert));
  } catch (err) {
    throw new MeterledgerError({
      code: 'CREDENTIALS_INVALID',
      message: `TLS root certificate for ${endpoint} is not a usable PEM certificate: ${(err as Error).message}`,
      cause: err,
    });
  }
  return new grpc.Client(endpoint, credentials, grpcClientOptions(hostAlias));
}

/** fabric-gateway call options giving each stage its own deadline, computed when the call starts. */
export function deadlineOptions(
  deadlines: Partial<Deadlines> = {},
  now: () => number = Date.now,
): Pick<GatewayConnectOptions, 'evaluateOptions' | 'endorseOptions' | 'submitOptions' | 'commitStatusOptions'> {
  const d = { ...DEFAULT_DEADLINES, ...withoutUndefined(deadlines) };
  for (const [stage, ms] of Object.entries(d)) {
    if (!Number.isFinite(ms) || ms <= 0) {
      throw new MeterledgerError({ code: 'INVALID_OPTION', message: `deadline for ${stage} must be a positive number of ms, got ${ms}` });
    }
  }
  return {
    evaluateOptions: () => ({ deadline: now() + d.evaluate }),
    endorseOptions: () => ({ deadline: now() + d.endorse }),
    submitOptions: () => ({ deadline: now() + d.submit }),
    commitStatusOptions: () => ({ deadline: now() + d.commitStatus }),
  };
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function parsePrivateKey(key: string | Uint8Array | crypto.KeyObject): crypto.KeyObject {
  if (key instanceof crypto.KeyObject) return key;
  try {
    return crypto.createPrivateKey(typeof key === 'string' ? key : Buffer.from(key));
  } catch (err) {
    throw new MeterledgerError({
      code: 'CREDENTIALS_INVALID',
      message: `identity private key is not a usable PEM private key: ${(err as Error).message}`,
      cause: err,
    });
  }
}

interface OpenGateway {
  gateway: Gateway;
  close(): void;
}

function openGateway(
  options: Pick<ConnectWithIdentityOptions, 'mspId' | 'certificate' | 'deadlines'>,
  signing: Signing,
  client: grpc.Client,
  ownsClient: boolean,
): OpenGateway {
  let gateway: Gateway;
  try {
    gateway = connectGateway({
      client,
      identity: { mspId: options.mspId, credentials: Buffer.from(options.certificate) },
      ...signing,
      ...deadlineOptions(options.deadlines),
    });
  } catch (err) {
    if (ownsClient) client.close();
    throw err;
  }
  return {
    gateway,
    close() {
      gateway.close();
      if (ownsClient) client.close();
    },
  };
}

interface Signing {
  signer: Signer;
  hash: (message: Uint8Array) => Uint8Array;
}

/**
 * How the identity signs proposals, transactions and commit-status requests (three signatures per submit).
 * ECDSA keys sign with node:crypto (OpenSSL), low-S as Fabric requires: fabric-gateway's own signer is pure
 * JavaScript (@noble/curves), about 1 ms per signature on our machines, which the bench measured as the
 * client's largest CPU cost. Other keys use fabric-gateway's signer.
 */
export function identitySigning(privateKey: crypto.KeyObject): Signing {
  if (privateKey.asymmetricKeyType === 'ec') {
    return { signer: (message) => Promise.resolve(signEcdsaSha256LowS(privateKey, message)), hash: hash.none };
  }
  return { signer: signers.newPrivateKeySigner(privateKey), hash: hash.sha256 };
}

/** Connect with explicit credentials, without a network profile. */
export function connectWithIdentity(options: ConnectWithIdentityOptions): GatewayConnection {
  const signer = identitySigning(parsePrivateKey(options.privateKey));
  deadlineOptions(options.deadlines); // validate before creating anything
  const ownsClient = options.grpcClient === undefined;
  const client = options.grpcClient ?? newGrpcClient(options.endpoint, options.tlsRootCert, options.hostAlias);
  const primary = openGateway(options, signer, client, ownsClient);
  const network = primary.gateway.getNetwork(options.channel);

  // Other gateway peers, opened on first need (an unknown commit outcome), closed with the connection.
  let alternates: { name: string; open: OpenGateway }[] | undefined;
  const openAlternates = () => {
    if (alternates) return alternates;
    alternates = [];
    for (const peer of options.alternatePeers ?? []) {
      try {
        const tls = typeof peer.tlsRootCert === 'function' ? peer.tlsRootCert() : peer.tlsRootCert;
        alternates.push({ name: peer.endpoint, open: openGateway(options, signer, newGrpcClient(peer.endpoint, tls, peer.hostAlias), true) });
      } catch {
        // An alternate that cannot even be set up (unreadable certificate) is skipped; the others still help.
      }
    }
    return alternates;
  };
  const ledgerTargets = (): LedgerTarget[] => [
    gatewayLedgerTarget(options.endpoint, network),
    ...openAlternates().map((a) => gatewayLedgerTarget(a.name, a.open.gateway.getNetwork(options.channel))),
  ];
  const alternateGateways = (): AlternateGateway[] => openAlternates().map((a) => ({ name: a.name, gateway: a.open.gateway }));

  let closed = false;
  return {
    transport: 'gateway',
    gateway: primary.gateway,
    network,
    channel: options.channel,
    chaincodeName: options.chaincode,
    mspId: options.mspId,
    contract: contractsBy((contractName) =>
      new GatewayContractTransport(network.getContract(options.chaincode, contractName), {
        channel: options.channel,
        ledgerTargets,
        alternateGateways,
        options: options.resolution,
      }),
    ),
    close(): void {
      if (closed) return;
      closed = true;
      primary.close();
      for (const a of alternates ?? []) a.open.close();
    },
  };
}

/** One ContractClient per contract name of a connection, made on first use. */
function contractsBy(transportFor: (contractName: string | undefined) => ContractTransport): (contractName?: string) => ContractClient {
  const contracts = new Map<string, ContractClient>();
  return (contractName) => {
    const key = contractName ?? '';
    let contract = contracts.get(key);
    if (!contract) {
      contract = new ContractClient(transportFor(contractName), { contractName });
      contracts.set(key, contract);
    }
    return contract;
  };
}

/** Wrap a Transport (e.g. fabric-network's) as a connection. */
function connectionOverFabricNetwork(transport: Transport & { gateway: FabricNetwork.Gateway; network: FabricNetwork.Network }): FabricNetworkConnection {
  return {
    transport: 'fabric-network',
    gateway: transport.gateway,
    network: { getName: () => transport.channel, fabricNetwork: transport.network },
    channel: transport.channel,
    chaincodeName: transport.chaincodeName,
    mspId: transport.mspId,
    contract: contractsBy((contractName) => transport.contract(contractName)),
    close: () => transport.close(),
  };
}

async function readFile(file: string, what: string): Promise<Buffer> {
  try {
    return await fsp.readFile(file);
  } catch (err) {
    throw new ProfileError('CREDENTIALS_NOT_FOUND', `cannot read ${what} ${file}: ${(err as Error).message}`, [], err);
  }
}

/** Every peer of the profile except `primary`: the own org's first, then the other orgs' in profile order. */
function otherPeers(profile: NetworkProfile, own: OrgProfile, primary: PeerProfile): PeerProfile[] {
  const orgs = [own, ...Object.values(profile.orgs).filter((o) => o !== own)];
  return orgs.flatMap((o) => o.peers).filter((p) => p !== primary);
}

/**
 * Connect an identity enrolled in the network profile to the channel and chaincode the profile names, through
 * the transport asked for (`transport`, else `$MLEDGER_TRANSPORT`, else `gateway`).
 */
export async function connect(options: ConnectOptions & { transport: 'gateway' }): Promise<GatewayConnection>;
export async function connect(options: ConnectOptions & { transport: 'fabric-network' }): Promise<FabricNetworkConnection>;
export async function connect(options: ConnectOptions): Promise<MeterledgerConnection>;
export async function connect(options: ConnectOptions): Promise<MeterledgerConnection> {
  const transport = resolveTransportKind(options.transport);
  const profile = typeof options.profile === 'object' ? options.profile : loadNetworkProfile(options.profile);
  const org = selectOrg(profile, options.org);
  const identity = selectIdentity(org, options.identity);
  const peer = selectPeer(org, options.peer);
  const [tlsRootCert, certificate, privateKey] = await Promise.all([
    readFile(peer.tlsRootCertPath, `TLS root certificate of ${peer.name}`),
    readFile(identity.certPath, `certificate of ${options.identity}@${org.mspId}`),
    readFile(identity.keyPath, `private key of ${options.identity}@${org.mspId}`),
  ]);

  if (transport === 'fabric-network') {
    if (options.grpcClient !== undefined) {
      throw new MeterledgerError({ code: 'INVALID_OPTION', message: 'grpcClient is a gateway transport option; fabric-network makes its own connections' });
    }
    parsePrivateKey(privateKey); // the same early, clear error as the gateway transport
    const deadlines = { ...DEFAULT_DEADLINES, ...withoutUndefined(options.deadlines ?? {}) };
    deadlineOptions(deadlines);
    const asLocalhost = options.asLocalhost ?? defaultAsLocalhost(profile);
    const connectionProfile = toCommonConnectionProfile(profile, {
      org: options.org,
      peer: peer.name,
      asLocalhost,
      endorseTimeoutMs: deadlines.endorse,
      readPem: (file) => (file === peer.tlsRootCertPath ? tlsRootCert.toString('utf8') : readPemSync(file)),
    });
    return connectionOverFabricNetwork(
      await connectFabricNetwork({
        connectionProfile,
        mspId: org.mspId,
        certificate: certificate.toString('utf8'),
        privateKey: privateKey.toString('utf8'),
        channel: profile.channel,
        chaincode: profile.chaincode.name,
        asLocalhost,
        timeouts: { evaluate: deadlines.evaluate, endorse: deadlines.endorse, commitStatus: deadlines.commitStatus },
        resolution: options.resolution,
        registryEndorsers: Object.values(profile.orgs)
          .filter((o) => o.kind === 'authority')
          .map((o) => o.mspId),
      }),
    );
  }

  return connectWithIdentity({
    endpoint: peer.endpoint,
    hostAlias: peer.hostAlias,
    tlsRootCert,
    mspId: org.mspId,
    certificate,
    privateKey,
    channel: profile.channel,
    chaincode: profile.chaincode.name,
    deadlines: options.deadlines,
    grpcClient: options.grpcClient,
    resolution: options.resolution,
    alternatePeers: otherPeers(profile, org, peer).map((p) => ({
      endpoint: p.endpoint,
      hostAlias: p.hostAlias,
      tlsRootCert: () => readPemSync(p.tlsRootCertPath),
    })),
  });
}

function readPemSync(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new ProfileError('CREDENTIALS_NOT_FOUND', `cannot read TLS root certificate ${file}: ${(err as Error).message}`, [], err);
  }
}

