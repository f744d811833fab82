// Runs the ccaas external builder scripts the way a peer does, on a package made by chaincode.ts.
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chaincodePackage } from './chaincode';
import { CCAAS_BUILDER_DIR, DEFAULT_TOPOLOGY } from './paths';
import { loadTopology } from './topology';

const t = loadTopology(DEFAULT_TOPOLOGY);
const script = (name: string) => path.join(CCAAS_BUILDER_DIR, 'bin', name);
const run = (name: string, ...args: string[]) => spawnSync(script(name), args, { encoding: 'utf8' });

/** Unpacks a package like the peer: metadata.json into META, code.tar.gz into SRC. */
function unpack(): { src: string; meta: string; dir: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ccaas-'));
  const [src, meta] = ['src', 'meta'].map((d) => path.join(dir, d));
  fs.mkdirSync(src);
  fs.mkdirSync(meta);
  fs.writeFileSync(path.join(dir, 'pkg.tar.gz'), chaincodePackage(t, t.orgs[0], '1').bytes);
  execFileSync('tar', ['-xzf', 'pkg.tar.gz', '-C', meta, 'metadata.json'], { cwd: dir });
  execFileSync('tar', ['-xzf', 'pkg.tar.gz', 'code.tar.gz'], { cwd: dir });
  execFileSync('tar', ['-xzf', path.join(dir, 'code.tar.gz')], { cwd: src });
  return { src, meta, dir };
}

describe('ccaas external builder', () => {
  it('is executable POSIX sh (it also runs in the Alpine fabric-peer image)', () => {
    for (const name of ['detect', 'build', 'release']) {
      expect(fs.statSync(script(name)).mode & 0o111).toBeTruthy();
      expect(fs.readFileSync(script(name), 'utf8').split('\n')[0]).toBe('#!/bin/sh');
      expect(spawnSync('sh', ['-n', script(name)]).status).toBe(0);
    }
  });

  it('detect claims ccaas packages only', () => {
    const { src, meta, dir } = unpack();
    expect(run('detect', src, meta).status).toBe(0);
    const other = path.join(dir, 'other');
    fs.mkdirSync(other);
    fs.writeFileSync(path.join(other, 'metadata.json'), '{"type":"golang","label":"x"}');
    expect(run('detect', src, other).status).toBe(1);
    expect(run('detect', src, path.join(dir, 'missing')).status).toBe(1);
  });

  it('build copies connection.json and metadata; release puts connection.json where the peer reads it', () => {
    const { src, meta, dir } = unpack();
    const out = path.join(dir, 'out');
    const rel = path.join(dir, 'rel');
    expect(run('build', src, meta, out).status).toBe(0);
    expect(JSON.parse(fs.readFileSync(path.join(out, 'connection.json'), 'utf8'))).toEqual({ address: '127.0.0.1:7100', dial_timeout: '10s', tls_required: false });
    expect(fs.existsSync(path.join(out, 'metadata.json'))).toBe(true);
    expect(run('release', out, rel).status).toBe(0);
    expect(fs.readFileSync(path.join(rel, 'chaincode', 'server', 'connection.json'), 'utf8')).toBe(fs.readFileSync(path.join(src, 'connection.json'), 'utf8'));
    expect(fs.existsSync(path.join(rel, 'statedb'))).toBe(false);
  });

  it('passes state-database indexes (META-INF/statedb) through to release', () => {
    const { src, meta, dir } = unpack();
    fs.mkdirSync(path.join(src, 'META-INF', 'statedb', 'couchdb', 'indexes'), { recursive: true });
    fs.writeFileSync(path.join(src, 'META-INF', 'statedb', 'couchdb', 'indexes', 'i.json'), '{}');
    expect(run('build', src, meta, path.join(dir, 'out')).status).toBe(0);
    expect(run('release', path.join(dir, 'out'), path.join(dir, 'rel')).status).toBe(0);
    expect(fs.existsSync(path.join(dir, 'rel', 'statedb', 'couchdb', 'indexes', 'i.json'))).toBe(true);
  });

  it('build fails clearly without connection.json; wrong arity is a usage error', () => {
    const { meta, dir } = unpack();
    const empty = path.join(dir, 'empty');
    fs.mkdirSync(empty);
    const r = run('build', empty, meta, path.join(dir, 'out'));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('connection.json not found');
    expect(run('release').status).toBe(2);
  });
});
