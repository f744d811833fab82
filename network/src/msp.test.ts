import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';
import { exportKeyPair, nodeOUsConfig, normalizeMsp, normalizeTls, writeOrgMsp } from './msp';

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'msp-'));
}
function write(file: string, content: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
}

describe('MSP folders', () => {
  it('NodeOUs config maps the four roles to the CA certificate', () => {
    const cfg = parse(nodeOUsConfig()) as { NodeOUs: Record<string, unknown> };
    expect(cfg.NodeOUs.Enable).toBe(true);
    for (const [key, ou] of [
      ['ClientOUIdentifier', 'client'],
      ['PeerOUIdentifier', 'peer'],
      ['AdminOUIdentifier', 'admin'],
      ['OrdererOUIdentifier', 'orderer'],
    ]) {
      expect(cfg.NodeOUs[key]).toEqual({ Certificate: 'cacerts/ca.pem', OrganizationalUnitIdentifier: ou });
    }
  });

  it('normalizes an enrollment: cacerts/<url>.pem -> cacerts/ca.pem, and writes config.yaml', () => {
    const msp = tmp();
    write(path.join(msp, 'cacerts', '127-0-0-1-7054-ca-ptb.pem'), 'ROOT');
    normalizeMsp(msp);
    expect(fs.readdirSync(path.join(msp, 'cacerts'))).toEqual(['ca.pem']);
    expect(fs.readFileSync(path.join(msp, 'config.yaml'), 'utf8')).toBe(nodeOUsConfig());
  });

  it('normalizes a TLS enrollment into server.crt, server.key and ca.crt', () => {
    const tls = tmp();
    write(path.join(tls, 'signcerts', 'cert.pem'), 'CERT');
    write(path.join(tls, 'keystore', 'abc_sk'), 'KEY');
    write(path.join(tls, 'tlscacerts', 'tls-127-0-0-1-7054-ca-ptb.pem'), 'ROOT');
    normalizeTls(tls);
    expect(['server.crt', 'server.key', 'ca.crt'].map((f) => fs.readFileSync(path.join(tls, f), 'utf8'))).toEqual(['CERT', 'KEY', 'ROOT']);
    expect(fs.statSync(path.join(tls, 'server.key')).mode & 0o777).toBe(0o600);
  });

  it('refuses an ambiguous keystore (a stale second key)', () => {
    const tls = tmp();
    write(path.join(tls, 'signcerts', 'cert.pem'), 'CERT');
    write(path.join(tls, 'keystore', 'a_sk'), 'A');
    write(path.join(tls, 'keystore', 'b_sk'), 'B');
    write(path.join(tls, 'tlscacerts', 'x.pem'), 'ROOT');
    expect(() => normalizeTls(tls)).toThrow(/exactly one file/);
  });

  it('exports a user key pair and builds the org MSP', () => {
    const dir = tmp();
    write(path.join(dir, 'u', 'msp', 'signcerts', 'cert.pem'), 'CERT');
    write(path.join(dir, 'u', 'msp', 'keystore', 'k_sk'), 'KEY');
    exportKeyPair(path.join(dir, 'u', 'msp'), path.join(dir, 'u', 'cert.pem'), path.join(dir, 'u', 'key.pem'));
    expect(fs.readFileSync(path.join(dir, 'u', 'key.pem'), 'utf8')).toBe('KEY');

    write(path.join(dir, 'ca-cert.pem'), 'ROOT');
    write(path.join(dir, 'tlsca.crt'), 'TLSROOT');
    writeOrgMsp(path.join(dir, 'org', 'msp'), path.join(dir, 'ca-cert.pem'), path.join(dir, 'tlsca.crt'), path.join(dir, 'org', 'tlsca.pem'));
    expect(fs.readFileSync(path.join(dir, 'org', 'msp', 'cacerts', 'ca.pem'), 'utf8')).toBe('ROOT');
    expect(fs.readFileSync(path.join(dir, 'org', 'msp', 'tlscacerts', 'tlsca.pem'), 'utf8')).toBe('TLSROOT');
    expect(fs.readFileSync(path.join(dir, 'org', 'tlsca.pem'), 'utf8')).toBe('TLSROOT');
    expect(fs.existsSync(path.join(dir, 'org', 'msp', 'config.yaml'))).toBe(true);
    expect(fs.existsSync(path.join(dir, 'org', 'msp', 'keystore'))).toBe(false);
  });
});
