import { generateKeyPairSync } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { softwareSignerFromPrivateKeyPem, type SignatureScheme, type SoftwareSigner } from '@meterledger/crypto';

export function tmpDir(prefix = 'meterledger-cli-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

const CURVE: Record<SignatureScheme, string | undefined> = {
  'ecdsa-p256-sha256': 'prime256v1',
  'ecdsa-secp256k1-sha256': 'secp256k1',
  ed25519: undefined,
};

/** A fresh private key PEM (what `openssl genpkey` writes): PKCS#8, or SEC1 for ECDSA. TESTS ONLY. */
export function privateKeyPem(scheme: SignatureScheme, type: 'pkcs8' | 'sec1' = 'pkcs8'): string {
  const curve = CURVE[scheme];
  const { privateKey } = curve ? generateKeyPairSync('ec', { namedCurve: curve }) : generateKeyPairSync('ed25519');
  return privateKey.export({ type, format: 'pem' }).toString();
}

/** A meter key written as `--key-file` takes it, and the signer that holds the same key. TESTS ONLY. */
export function writeKeyFile(
  dir: string,
  name: string,
  scheme: SignatureScheme,
  form: 'pkcs8' | 'sec1' | 'json' = 'pkcs8',
): { file: string; signer: SoftwareSigner; pem: string } {
  const pem = privateKeyPem(scheme, form === 'sec1' ? 'sec1' : 'pkcs8');
  const file = path.join(dir, name);
  fs.writeFileSync(file, form === 'json' ? JSON.stringify({ scheme, privateKeyPem: pem }) : pem);
  return { file, signer: softwareSignerFromPrivateKeyPem(scheme, pem), pem };
}
