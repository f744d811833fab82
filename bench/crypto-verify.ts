/**
 * npm run bench:crypto — signature verifications per second on one core, through @meterledger/crypto's
 * verifySignature (node:crypto with a cached key, the chaincode's hot path) and through @noble/curves
 * directly (the pure-JS alternative). Figures are printed and saved to bench/results/.
 */
import { ed25519 } from '@noble/curves/ed25519';
import { p256 } from '@noble/curves/p256';
import { secp256k1 } from '@noble/curves/secp256k1';
import { sha256 } from '@noble/hashes/sha256';
import { generateSoftwareSigner, verifySignature, type SignatureScheme } from '@meterledger/crypto';
import { environment, saveResults } from './report';

const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 2000);
const message = Buffer.from('2026-11-21T10:00:00Z,1.000');

/** Run `fn` repeatedly for DURATION_MS and return operations per second. */
function opsPerSecond(fn: () => boolean): number {
  for (let i = 0; i < 50; i++) if (!fn()) throw new Error('benchmark signature did not verify');
  let ops = 0;
  const start = process.hrtime.bigint();
  const end = start + BigInt(DURATION_MS) * 1_000_000n;
  let now = start;
  while (now < end) {
    for (let i = 0; i < 20; i++) fn();
    ops += 20;
    now = process.hrtime.bigint();
  }
  return Math.round(ops / (Number(now - start) / 1e9));
}

function nobleVerifier(scheme: SignatureScheme, raw: Uint8Array, signature: Uint8Array): () => boolean {
  switch (scheme) {
    case 'ecdsa-p256-sha256':
      return () => p256.verify(signature, sha256(message), raw, { lowS: false, prehash: false });
    case 'ecdsa-secp256k1-sha256':
      return () => secp256k1.verify(signature, sha256(message), raw, { lowS: false, prehash: false });
    case 'ed25519':
      return () => ed25519.verify(signature, message, raw);
  }
}

const rows: { scheme: SignatureScheme; nodeCryptoPerSec: number; noblePerSec: number; ratio: number }[] = [];
console.log(`verify throughput, one core, ${DURATION_MS} ms per figure`);
for (const scheme of ['ecdsa-p256-sha256', 'ecdsa-secp256k1-sha256', 'ed25519'] as const) {
  const signer = generateSoftwareSigner(scheme);
  const encoding = scheme === 'ed25519' ? undefined : 'raw';
  const signature = signer.sign(message, encoding);
  const nodeCryptoPerSec = opsPerSecond(() =>
    verifySignature({ scheme, publicKey: signer.publicKey, message, signature, signatureEncoding: encoding }),
  );
  const noblePerSec = opsPerSecond(nobleVerifier(scheme, signer.publicKey.raw, signature));
  const row = { scheme, nodeCryptoPerSec, noblePerSec, ratio: Math.round((nodeCryptoPerSec / noblePerSec) * 10) / 10 };
  rows.push(row);
  console.log(`  ${scheme.padEnd(24)} node:crypto ${String(nodeCryptoPerSec).padStart(7)}/s   @noble/curves ${String(noblePerSec).padStart(6)}/s   ×${row.ratio}`);
}
const env = environment();
console.log(`machine: ${env.machine.cpu} (${env.machine.cores} cores), node ${env.machine.node}; commit ${env.commit}${env.dirty ? ' (dirty)' : ''}`);
console.log(`saved ${saveResults('crypto-verify', rows)}`);
