import * as crypto from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import {
  connect as connectGateway,
  hash,
  signers,
  type ConnectOptions as GatewayConnectOptions,
  type Gateway,
  type Network,
} from '@hyperledger/fabric-gateway';
import { ContractClient } from './contract-client';
import { MeterledgerError } from './errors';
import {
  loadNetworkProfile,
  ProfileError,
  selectIdentity,
  selectOrg,
  selectPeer,
  type NetworkProfile,
} from './profile';

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
  /** Peer name, endpoint or host alias; defaults to the org's first peer. */
  peer?: string;
  deadlines?: Partial<Deadlines>;
  /** Share an existing gRPC client to the peer instead of creating one (see ConnectWithIdentityOptions). */
  grpcClient?: grpc.Client;
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
}

/** A connected identity on one channel and chaincode. */
export interface MeterledgerConnection {
  readonly gateway: Gateway;
  readonly network: Network;
  readonly chaincodeName: string;
  readonly mspId: string;
  /** A typed client for one contract of the chaincode (the default contract when omitted). */
  contract(contractName?: string): ContractClient;
  /** Close the gateway and the gRPC client this connection created. Safe to call twice. */
  close(): void;
}

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
      code: 'INVALID_ARGUMENT',
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
      throw new MeterledgerError({ code: 'INVALID_ARGUMENT', message: `deadline for ${stage} must be a positive number of ms, got ${ms}` });
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
      code: 'INVALID_ARGUMENT',
      message: `identity private key is not a usable PEM private key: ${(err as Error).message}`,
      cause: err,
    });
  }
}

/** Connect with explicit credentials, without a network profile. */
export function connectWithIdentity(options: ConnectWithIdentityOptions): MeterledgerConnection {
  const signer = signers.newPrivateKeySigner(parsePrivateKey(options.privateKey));
  const timing = deadlineOptions(options.deadlines);
  const ownsClient = options.grpcClient === undefined;
  const client = options.grpcClient ?? newGrpcClient(options.endpoint, options.tlsRootCert, options.hostAlias);
  let gateway: Gateway;
  try {
    gateway = connectGateway({
      client,
      identity: { mspId: options.mspId, credentials: Buffer.from(options.certificate) },
      signer,
      hash: hash.sha256,
      ...timing,
    });
  } catch (err) {
    if (ownsClient) client.close();
    throw err;
  }
  const network = gateway.getNetwork(options.channel);
  const contracts = new Map<string, ContractClient>();
  let closed = false;
  return {
    gateway,
    network,
    chaincodeName: options.chaincode,
    mspId: options.mspId,
    contract(contractName?: string): ContractClient {
      const key = contractName ?? '';
      let contract = contracts.get(key);
      if (!contract) {
        contract = new ContractClient(network.getContract(options.chaincode, contractName));
        contracts.set(key, contract);
      }
      return contract;
    },
    close(): void {
      if (closed) return;
      closed = true;
      gateway.close();
      if (ownsClient) client.close();
    },
  };
}

async function readFile(file: string, what: string): Promise<Buffer> {
  try {
    return await fsp.readFile(file);
  } catch (err) {
    throw new ProfileError('PROFILE_INVALID', `cannot read ${what} ${file}: ${(err as Error).message}`, [], err);
  }
}

/** Connect an identity enrolled in the network profile to the channel and chaincode the profile names. */
export async function connect(options: ConnectOptions): Promise<MeterledgerConnection> {
  const profile = typeof options.profile === 'object' ? options.profile : loadNetworkProfile(options.profile);
  const org = selectOrg(profile, options.org);
  const identity = selectIdentity(org, options.identity);
  const peer = selectPeer(org, options.peer);
  const [tlsRootCert, certificate, privateKey] = await Promise.all([
    readFile(peer.tlsRootCertPath, `TLS root certificate of ${peer.name}`),
    readFile(identity.certPath, `certificate of ${options.identity}@${org.mspId}`),
    readFile(identity.keyPath, `private key of ${options.identity}@${org.mspId}`),
  ]);
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
  });
}
