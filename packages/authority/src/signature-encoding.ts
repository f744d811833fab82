const HEX = /^(?:[0-9a-fA-F]{2})+$/;

/**
 * Signature bytes as the string the chaincode expects: base64. The chaincode reads a string that is valid
 * hex as hex first, so in the (astronomically rare) case that the base64 text is also valid hex, hex is
 * sent instead; both decode to the same bytes on the peer.
 */
export function encodeSignature(signature: Uint8Array): string {
  const base64 = Buffer.from(signature.buffer, signature.byteOffset, signature.byteLength).toString('base64');
  return HEX.test(base64) ? Buffer.from(signature.buffer, signature.byteOffset, signature.byteLength).toString('hex') : base64;
}
