// Turns what fabric-ca-client writes into the MSP and TLS folders Fabric expects. The client names
// files after the CA's URL (e.g. cacerts/127-0-0-1-7054-ca-ptb.pem) and keys after their SKI, so
// we normalise them to fixed names that the NodeOUs config and the rest of the code can refer to.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { stringify } from 'yaml';

export const CA_CERT = 'ca.pem';
export const TLS_CA_CERT = 'tlsca.pem';

/**
 * NodeOUs: the role (client/peer/admin/orderer) is read from the OU fabric-ca puts in each
 * certificate (the registered id.type), so "admin" needs no admincerts folder.
 */
export function nodeOUsConfig(caCertRelPath = `cacerts/${CA_CERT}`): string {
  const ou = (id: string) => ({ Certificate: caCertRelPath, OrganizationalUnitIdentifier: id });
  return stringify({
    NodeOUs: {
      Enable: true,
      ClientOUIdentifier: ou('client'),
      PeerOUIdentifier: ou('peer'),
      AdminOUIdentifier: ou('admin'),
      OrdererOUIdentifier: ou('orderer'),
    },
  });
}

function onlyFile(dir: string): string {
  const files = fs.readdirSync(dir).filter((f) => fs.statSync(path.join(dir, f)).isFile());
  if (files.length !== 1) throw new Error(`expected exactly one file in ${dir}, found ${files.length}`);
  return path.join(dir, files[0]);
}

/** After `enroll --mspdir <msp>`: cacerts/<url>.pem -> cacerts/ca.pem, plus config.yaml (NodeOUs). */
export function normalizeMsp(mspDir: string): void {
  const cacerts = path.join(mspDir, 'cacerts');
  const src = onlyFile(cacerts);
  const dst = path.join(cacerts, CA_CERT);
  if (src !== dst) fs.renameSync(src, dst);
  fs.writeFileSync(path.join(mspDir, 'config.yaml'), nodeOUsConfig());
}

/** After `enroll --enrollment.profile tls --mspdir <tls>`: the server.crt/server.key/ca.crt files nodes use. */
export function normalizeTls(tlsDir: string): void {
  fs.copyFileSync(path.join(tlsDir, 'signcerts', 'cert.pem'), path.join(tlsDir, 'server.crt'));
  fs.copyFileSync(onlyFile(path.join(tlsDir, 'keystore')), path.join(tlsDir, 'server.key'));
  fs.copyFileSync(onlyFile(path.join(tlsDir, 'tlscacerts')), path.join(tlsDir, 'ca.crt'));
  fs.chmodSync(path.join(tlsDir, 'server.key'), 0o600);
}

/** Plain cert.pem/key.pem next to a user's MSP: what the SDKs (network.json) load. */
export function exportKeyPair(mspDir: string, certOut: string, keyOut: string): void {
  fs.copyFileSync(path.join(mspDir, 'signcerts', 'cert.pem'), certOut);
  fs.copyFileSync(onlyFile(path.join(mspDir, 'keystore')), keyOut);
  fs.chmodSync(keyOut, 0o600);
}

/**
 * The org's channel MSP (what configtxgen puts in the channel config): its CA root, its TLS root
 * and the NodeOUs config — no private keys.
 */
export function writeOrgMsp(orgMspDir: string, caCertFile: string, tlsCaCertFile: string, orgTlsCaOut: string): void {
  fs.mkdirSync(path.join(orgMspDir, 'cacerts'), { recursive: true });
  fs.mkdirSync(path.join(orgMspDir, 'tlscacerts'), { recursive: true });
  fs.copyFileSync(caCertFile, path.join(orgMspDir, 'cacerts', CA_CERT));
  fs.copyFileSync(tlsCaCertFile, path.join(orgMspDir, 'tlscacerts', TLS_CA_CERT));
  fs.writeFileSync(path.join(orgMspDir, 'config.yaml'), nodeOUsConfig());
  fs.copyFileSync(tlsCaCertFile, orgTlsCaOut);
}
