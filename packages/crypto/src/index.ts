/**
 * @meterledger/crypto: signature schemes and key encodings for legal-metrology meters, shared by
 * devices, SDKs and Fabric chaincode. Everything except the software signers is deterministic.
 */
export { CryptoError, type CryptoErrorCode } from './errors';
export { SIGNATURE_SCHEMES, isSignatureScheme, type SignatureScheme, type SignatureEncoding } from './schemes';
export { decodeBytes, toHex, fromHex, type BytesLike } from './bytes';
export { sha256, sha256Hex } from './hash';
export { canonicalJson } from './json';
export {
  MS_PER_DAY,
  MS_PER_HOUR,
  MS_PER_MINUTE,
  civilFromDays,
  daysFromCivil,
  daysInMonth,
  formatUtcMillis,
  isLeapYear,
} from './calendar';
export { parseRfc3339, isRfc3339, toUtcRfc3339, type Rfc3339Time } from './rfc3339';
export { parsePublicKey, type PublicKeyInfo } from './keys';
export { verifySignature, type VerifySignatureRequest } from './verify';
export { buildPossessionChallenge, type PossessionChallengeInput } from './possession';
export { generateSoftwareSigner, softwareSignerFromPrivateKeyPem, type SoftwareSigner } from './signer';
export { softwareDeviceSigner, type DeviceSigner } from './device-signer';
export { encodeDerSignature, signEcdsaSha256LowS } from './ecdsa-low-s';
export {
  parseSignedReading,
  encodeReadingV1,
  encodeChainedPayload,
  signChainedPacket,
  CHAINED_ZERO_HASH,
  SIGNED_READING_FORMATS,
  type ChainedV1Fields,
  type ChainedV1Reading,
  type SyncSigner,
  type SignedReadingFormat,
  type SignedReading,
  type MeterledgerV1Reading,
  type Bc4pTasmotaReading,
  type Bc4pTasmotaFields,
  type OcmfReading,
  type ReadingV1Fields,
  type ParseSignedReadingOptions,
} from './signed-reading';
export { interpretReading, ENERGY_UNITS, type ReadingFacts, type InterpretReadingOptions } from './reading-facts';
export {
  TICKET_FORMAT_V1,
  WEIGHT_UNITS,
  MAX_TICKET_CELLS,
  checkTicketV1,
  encodeTicketV1,
  encodeTicketDisclosure,
  parseSignedTicket,
  ticketIdTime,
  type LoadCellWeight,
  type TicketDisclosure,
  type WeighingTicket,
  type WeightUnit,
} from './weighing-ticket';
