#!/usr/bin/env node
// TEST DOUBLE of the Fabric binaries, used by network/src/orchestration.test.ts to exercise the
// up / deploy / down orchestration where the real binaries cannot be installed. It mimics only
// what our code observes: files written, ports listened on, and the output formats we parse.
// It proves nothing about Fabric itself. Invoked through symlinks named like the real programs.
'use strict';
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const crypto = require('node:crypto');
const zlib = require('node:zlib');

const name = path.basename(process.argv[1]);
const args = process.argv.slice(2);
const env = process.env;
// State shared between calls lives next to the bin/ folder the symlinks are in.
const fakeDir = path.join(path.dirname(process.argv[1]), '..', 'fake');
fs.mkdirSync(fakeDir, { recursive: true });
const flag = (f) => (args.includes(f) ? args[args.indexOf(f) + 1] : undefined);
const flags = (f) => args.flatMap((a, i) => (a === f ? [args[i + 1]] : []));
const record = (line) => fs.appendFileSync(path.join(fakeDir, 'calls.log'), `${name} ${line}\n`);
const load = (file, dflt) => (fs.existsSync(path.join(fakeDir, file)) ? JSON.parse(fs.readFileSync(path.join(fakeDir, file), 'utf8')) : dflt);
const save = (file, v) => {
  const tmp = path.join(fakeDir, `${file}.${process.pid}`);
  fs.writeFileSync(tmp, JSON.stringify(v));
  fs.renameSync(tmp, path.join(fakeDir, file)); // atomic: parallel readers never see half a file
};
const write = (file, content) => {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
};
const fail = (msg) => {
  console.error(msg);
  process.exit(1);
};

function serve(...ports) {
  for (const p of ports) net.createServer((s) => s.end()).listen(Number(p), '127.0.0.1');
  process.on('SIGTERM', () => process.exit(0));
  console.log(`${name} listening on ${ports.join(',')}`);
}
const portOf = (addr) => addr.split(':').pop();

if (args[0] === 'version' || args[0] === '-version') {
  console.log(`${name}:\n Version: ${name.startsWith('fabric-ca') ? '1.5.17' : '2.5.9'}\n Commit SHA: fake`);
  process.exit(0);
}

switch (name) {
  case 'fabric-ca-server': {
    const home = env.FABRIC_CA_SERVER_HOME;
    write(path.join(home, 'ca-cert.pem'), `ROOT ${env.FABRIC_CA_SERVER_CA_NAME}\n`);
    write(path.join(home, 'tls-cert.pem'), `TLS ${flags('--csr.hosts').join(',')}\n`);
    serve(env.FABRIC_CA_SERVER_PORT, portOf(env.FABRIC_CA_SERVER_OPERATIONS_LISTENADDRESS));
    break;
  }
  case 'fabric-ca-client': {
    record(args.join(' '));
    if (!fs.existsSync(flag('--tls.certfiles'))) fail('Error: tls.certfiles not found');
    if (args[0] === 'register') {
      const dbFile = `registered-${flag('--caname')}.json`; // each CA has its own database
      const db = load(dbFile, []);
      const id = flag('--id.name');
      if (db.includes(id)) fail(`Error: Identity '${id}' is already registered`);
      save(dbFile, [...db, id]);
      console.log(`Password: ${flag('--id.secret')}`);
    } else if (args[0] === 'enroll') {
      const msp = flag('--mspdir');
      const tls = flag('--enrollment.profile') === 'tls';
      write(path.join(msp, 'signcerts', 'cert.pem'), `CERT ${flag('-u')}\n`);
      write(path.join(msp, 'keystore', `${crypto.randomBytes(4).toString('hex')}_sk`), 'KEY\n');
      write(path.join(msp, tls ? 'tlscacerts' : 'cacerts', `127-0-0-1-${flag('--caname')}.pem`), 'ROOT\n');
    }
    break;
  }
  case 'orderer':
    serve(env.ORDERER_GENERAL_LISTENPORT, portOf(env.ORDERER_ADMIN_LISTENADDRESS), env.ORDERER_GENERAL_CLUSTER_LISTENPORT);
    break;
  case 'configtxgen':
    record(args.join(' '));
    if (!fs.existsSync(path.join(flag('-configPath'), 'configtx.yaml'))) fail('configtx.yaml missing');
    write(flag('-outputBlock'), `BLOCK ${flag('-channelID')}`);
    break;
  case 'osnadmin': {
    // joins run in parallel: one file per orderer
    const file = `orderer-${flag('-o').replace(/\W/g, '_')}.json`;
    if (args[1] === 'list') console.log(load(file, false) ? 'Status: 200\n{"name":"x"}' : 'Status: 404\n{"error":"not found"}');
    else if (args[1] === 'join') {
      save(file, true);
      console.log('Status: 201\n{"name":"x","status":"active"}');
    }
    break;
  }
  case 'fabric-chaincode-node':
    serve(portOf(flag('--chaincode-address')));
    console.log(`serving ${flag('--chaincode-id')}`);
    break;
  case 'peer':
    peer();
    break;
  default:
    fail(`fake-fabric: unknown program ${name}`);
}

function peer() {
  if (args[0] === 'node') return serve(portOf(env.CORE_PEER_LISTENADDRESS), portOf(env.CORE_PEER_CHAINCODELISTENADDRESS));
  const me = env.CORE_PEER_ADDRESS;
  if (!env.CORE_PEER_MSPCONFIGPATH || !fs.existsSync(env.CORE_PEER_MSPCONFIGPATH)) fail('Error: admin MSP missing');
  if (args[0] === 'channel') {
    const file = `channels-${me.replace(/\W/g, '_')}.json`; // one file per peer: joins run in parallel
    const channels = load(file, []);
    if (args[1] === 'list') console.log(`Channels peers has joined: \n${channels.join('\n')}`);
    else if (args[1] === 'join') save(file, [...channels, 'nmichannel']);
    else if (args[1] === 'getinfo') console.log('Blockchain info: {"height":3,"currentBlockHash":"x"}');
    return;
  }
  // peer lifecycle chaincode <cmd>
  const lc = load('lifecycle.json', { approvals: {}, committed: null });
  // installs on different peers run in parallel: one file per peer
  const installedFile = `installed-${me.replace(/\W/g, '_')}.json`;
  const installed = load(installedFile, []);
  const cmd = args[2];
  const seq = flag('--sequence');
  record(`lifecycle ${cmd} ${env.CORE_PEER_LOCALMSPID} ${seq ?? ''} ${flag('--package-id') ?? ''}`.trim());
  if (cmd === 'install') {
    const bytes = fs.readFileSync(args[3]);
    const label = /"label":"([^"]+)"/.exec(zlib.gunzipSync(bytes).toString('latin1'))[1];
    const id = `${label}:${crypto.createHash('sha256').update(bytes).digest('hex')}`;
    save(installedFile, [...installed, id]);
    console.log(`Chaincode code package identifier: ${id}`);
    return;
  } else if (cmd === 'queryinstalled') {
    console.log(JSON.stringify({ installed_chaincodes: installed.map((id) => ({ package_id: id, label: id.split(':')[0] })) }));
    return;
  } else if (cmd === 'approveformyorg') {
    const a = lc.approvals[seq] ?? {};
    if (a[env.CORE_PEER_LOCALMSPID]) fail(`Error: attempted to redefine uncommitted sequence (${seq}) for namespace meterledger with unchanged content`);
    lc.approvals[seq] = { ...a, [env.CORE_PEER_LOCALMSPID]: true };
  } else if (cmd === 'checkcommitreadiness') {
    console.log(JSON.stringify({ approvals: lc.approvals[seq] ?? {} }));
  } else if (cmd === 'commit') {
    if (flags('--peerAddresses').length < 2) fail('Error: not enough endorsements');
    lc.committed = { sequence: Number(seq), version: flag('--version') };
  } else if (cmd === 'querycommitted') {
    if (!lc.committed) fail('Error: query failed with status: 404 - namespace meterledger is not defined');
    console.log(JSON.stringify({ ...lc.committed, endorsement_plugin: 'escc', approvals: {} }));
  }
  save('lifecycle.json', lc);
}
