// A minimal, deterministic tar.gz writer for chaincode packages. Fabric identifies a package by
// label + SHA-256 of its bytes, so identical inputs must give identical bytes: fixed mtime/owner,
// no host-dependent metadata. Only regular files are needed (metadata.json, code.tar.gz,
// connection.json), which keeps the ustar format trivial.
import { gzipSync } from 'node:zlib';

export interface TarEntry {
  name: string;
  content: Buffer | string;
}

const BLOCK = 512;

function octal(value: number, width: number): string {
  // width includes the trailing NUL
  return value.toString(8).padStart(width - 1, '0') + '\0';
}

function header(name: string, size: number): Buffer {
  if (Buffer.byteLength(name) > 100) throw new Error(`tar entry name too long: ${name}`);
  const h = Buffer.alloc(BLOCK, 0);
  h.write(name, 0, 100, 'utf8');
  h.write(octal(0o644, 8), 100, 'ascii'); // mode
  h.write(octal(0, 8), 108, 'ascii'); // uid
  h.write(octal(0, 8), 116, 'ascii'); // gid
  h.write(octal(size, 12), 124, 'ascii');
  h.write(octal(0, 12), 136, 'ascii'); // mtime: epoch, for reproducible package ids
  h.write('        ', 148, 'ascii'); // checksum placeholder (8 spaces) while summing
  h.write('0', 156, 'ascii'); // typeflag: regular file
  h.write('ustar\0', 257, 'ascii');
  h.write('00', 263, 'ascii');
  let sum = 0;
  for (const byte of h) sum += byte;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'ascii');
  return h;
}

export function tar(entries: TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    const body = Buffer.isBuffer(e.content) ? e.content : Buffer.from(e.content, 'utf8');
    parts.push(header(e.name, body.length), body, Buffer.alloc((BLOCK - (body.length % BLOCK)) % BLOCK, 0));
  }
  parts.push(Buffer.alloc(2 * BLOCK, 0)); // end-of-archive marker
  return Buffer.concat(parts);
}

export function tarGz(entries: TarEntry[]): Buffer {
  return gzipSync(tar(entries), { level: 9 });
}
