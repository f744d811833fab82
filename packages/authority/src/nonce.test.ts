import { NONCE_BYTES, newNonce } from './nonce';

describe('newNonce', () => {
  it('is 24 random bytes as base64url, inside the chaincode nonce pattern', () => {
    const nonce = newNonce();
    expect(NONCE_BYTES).toBe(24);
    expect(nonce).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(Buffer.from(nonce, 'base64url')).toHaveLength(24);
    expect(nonce).toMatch(/^[A-Za-z0-9_-]{16,128}$/);
  });

  it('does not repeat', () => {
    const seen = new Set(Array.from({ length: 1000 }, () => newNonce()));
    expect(seen.size).toBe(1000);
  });
});
