import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { tar, tarGz } from './tar';

describe('tar.gz writer', () => {
  const entries = [
    { name: 'metadata.json', content: '{"type":"ccaas"}' },
    { name: 'code.tar.gz', content: Buffer.alloc(700, 7) },
  ];

  it('writes archives GNU tar can list and extract', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tar-'));
    const file = path.join(dir, 'a.tar.gz');
    fs.writeFileSync(file, tarGz(entries));
    expect(execFileSync('tar', ['-tzf', file], { encoding: 'utf8' }).trim().split('\n')).toEqual(['metadata.json', 'code.tar.gz']);
    execFileSync('tar', ['-xzf', file, '-C', dir]);
    expect(fs.readFileSync(path.join(dir, 'metadata.json'), 'utf8')).toBe('{"type":"ccaas"}');
    expect(fs.readFileSync(path.join(dir, 'code.tar.gz'))).toEqual(Buffer.alloc(700, 7));
  });

  it('is deterministic (Fabric package ids hash the bytes)', () => {
    expect(tarGz(entries).equals(tarGz(entries))).toBe(true);
    expect(gunzipSync(tarGz(entries)).equals(tar(entries))).toBe(true);
  });

  it('pads to 512-byte blocks and ends with two zero blocks', () => {
    const t = tar(entries);
    expect(t.length % 512).toBe(0);
    expect(t.subarray(t.length - 1024).every((b) => b === 0)).toBe(true);
  });
});
