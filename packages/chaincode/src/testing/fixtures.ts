import {
  buildPossessionChallenge,
  type SignatureEncoding,
  type SignatureScheme,
  type SoftwareSigner,
} from '@meterledger/crypto';
import type { Caller } from '../ledger/caller';

export const CHANNEL = 'nmichannel';

export const callers = {
  ptbAdmin: { mspId: 'PTBMSP', id: 'x509::/CN=admin::/CN=ca.ptb', role: 'admin' },
  ptbRegistrar: { mspId: 'PTBMSP', id: 'x509::/CN=registrar::/CN=ca.ptb', role: 'registrar' },
  ptbNoRole: { mspId: 'PTBMSP', id: 'x509::/CN=norole::/CN=ca.ptb', role: null },
  inmetroAdmin: { mspId: 'InmetroMSP', id: 'x509::/CN=admin::/CN=ca.inmetro', role: 'admin' },
  inmetroRegistrar: { mspId: 'InmetroMSP', id: 'x509::/CN=registrar::/CN=ca.inmetro', role: 'registrar' },
  nmiAdmin: { mspId: 'NmiMSP', id: 'x509::/CN=admin::/CN=ca.nmi', role: 'admin' },
  nmiRegistrar: { mspId: 'NmiMSP', id: 'x509::/CN=registrar::/CN=ca.nmi', role: 'registrar' },
  outsiderAdmin: { mspId: 'OperatorMSP', id: 'x509::/CN=admin::/CN=ca.operator', role: 'admin' },
  outsiderRegistrar: { mspId: 'OperatorMSP', id: 'x509::/CN=registrar::/CN=ca.operator', role: 'registrar' },
  outsiderVerifier: { mspId: 'OperatorMSP', id: 'x509::/CN=verifier::/CN=ca.operator', role: 'verifier' },
  verifier: { mspId: 'InmetroMSP', id: 'x509::/CN=verifier::/CN=ca.inmetro', role: 'verifier' },
} satisfies Record<string, Caller>;

export const metadata = { manufacturer: 'ACME Metering', model: 'AM-3000', serial: 'SN-0001', typeApprovalRef: 'DE-M-21-0815' };

let nonceCounter = 0;
/** Deterministic, unique nonces so tests can name them. */
export function nextNonce(): string {
  nonceCounter += 1;
  return `nonce-${String(nonceCounter).padStart(12, '0')}`;
}

/** The proof a meter's secure element would return for the authority's challenge. */
export function possessionProof(signer: SoftwareSigner, meterId: string, nonce = nextNonce(), encoding?: SignatureEncoding) {
  const challenge = buildPossessionChallenge({ channel: CHANNEL, meterId, publicKey: signer.publicKey, scheme: signer.scheme, nonce });
  const signature = Buffer.from(signer.sign(challenge, encoding)).toString('base64');
  return encoding ? { nonce, signature, signatureEncoding: encoding } : { nonce, signature };
}

export function registration(signer: SoftwareSigner, meterId: string, scheme: SignatureScheme = signer.scheme) {
  return { meterId, scheme, publicKey: signer.publicKey.spkiPem, metadata: { ...metadata, serial: `SN-${meterId}` }, proof: possessionProof(signer, meterId) };
}
