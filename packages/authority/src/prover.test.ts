import { generateSoftwareSigner, verifySignature } from '@meterledger/crypto';
import { softwareProver } from './prover';

describe('softwareProver', () => {
  it('signs the challenge with the software key (default encoding)', async () => {
    const signer = generateSoftwareSigner('ecdsa-p256-sha256');
    const challenge = new TextEncoder().encode('challenge');
    const answer = await softwareProver(signer)(challenge);
    expect(answer.signatureEncoding).toBeUndefined();
    expect(verifySignature({ scheme: signer.scheme, publicKey: signer.publicKey, message: challenge, signature: answer.signature })).toBe(true);
  });

  it('passes a chosen encoding through', async () => {
    const signer = generateSoftwareSigner('ecdsa-secp256k1-sha256');
    const challenge = new TextEncoder().encode('challenge');
    const answer = await softwareProver(signer, 'raw')(challenge);
    expect(answer.signatureEncoding).toBe('raw');
    expect(answer.signature).toHaveLength(64);
    expect(
      verifySignature({ scheme: signer.scheme, publicKey: signer.publicKey, message: challenge, signature: answer.signature, signatureEncoding: 'raw' }),
    ).toBe(true);
  });
});
