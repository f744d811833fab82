import {
  CHAINED_ZERO_HASH,
  CryptoError,
  canonicalJson,
  encodeChainedPayload,
  encodeReadingV1,
  parseSignedReading,
  signChainedPacket,
  toHex,
  type ChainedV1Fields,
  type DeviceSigner,
  type ReadingV1Fields,
} from '@meterledger/crypto';
import type { SubmittedReading } from '@meterledger/contract-api';

/*
 * Device-side helpers: what a meter (or a simulator of one) sends. The signed bytes always come from
 * @meterledger/crypto (encodeReadingV1, encodeChainedPayload / signChainedPacket, and for Tasmota the
 * signed text parseSignedReading derives from the message), never from an encoding of our own.
 */

function signatureEncodingField(signer: DeviceSigner): { signatureEncoding?: 'raw' | 'der' } {
  return signer.scheme !== 'ed25519' && signer.signatureEncoding ? { signatureEncoding: signer.signatureEncoding } : {};
}

// ---- meterledger-v1 --------------------------------------------------------------------------------

/**
 * A signed 'meterledger-v1' message: `signer` signs encodeReadingV1(fields); the message is the canonical
 * JSON of the fields with `format`, `scheme`, the hex `signature` (and `signatureEncoding` for raw ECDSA).
 */
export async function signReadingV1(signer: DeviceSigner, fields: ReadingV1Fields): Promise<string> {
  const sequence = fields.sequence ?? null;
  const signed = encodeReadingV1({ ...fields, sequence });
  const signature = await signer.sign(signed);
  return canonicalJson({
    format: 'meterledger-v1',
    meterId: fields.meterId,
    time: fields.time,
    value: fields.value,
    unit: fields.unit,
    ...(sequence === null ? {} : { sequence }),
    scheme: signer.scheme,
    signature: toHex(signature),
    ...signatureEncodingField(signer),
  });
}

/** signReadingV1 as the SubmittedReading the gateway takes (the message names its meter). */
export async function readingV1(signer: DeviceSigner, fields: Omit<ReadingV1Fields, 'sequence'> & { sequence?: number | null }): Promise<SubmittedReading> {
  return { format: 'meterledger-v1', payload: await signReadingV1(signer, { ...fields, sequence: fields.sequence ?? null }) };
}

// ---- chained-v1 -------------------------------------------------------------------------------------

/** What a ChainedMeter keeps between packets; persist it on the device to continue a chain after a reboot. */
export interface ChainState {
  /** The sequence of the next packet. */
  sequence: number;
  /** Hex SHA-256 of the last packet's payload (64 zeros before the first packet). */
  previous: string;
}

/**
 * A meter that sends 'chained-v1' packets: each names the hash of the previous packet's payload and a
 * sequence number, so the ledger can see a gap or a replay. `next()` signs one packet and advances the
 * chain only once the signature is made (a failed signature leaves the state unchanged).
 */
export class ChainedMeter {
  #state: ChainState;

  constructor(
    readonly meterId: string,
    readonly signer: DeviceSigner,
    readonly unit: string,
    state: ChainState = { sequence: 0, previous: CHAINED_ZERO_HASH },
  ) {
    this.#state = { ...state };
  }

  get state(): ChainState {
    return { ...this.#state };
  }

  /** Sign the next packet; returns it as a SubmittedReading and the packet's hash (the next `previous`). */
  async next(reading: { time: string; value: string }): Promise<{ reading: SubmittedReading; hash: string; fields: ChainedV1Fields }> {
    const fields: ChainedV1Fields = { meterId: this.meterId, time: reading.time, value: reading.value, unit: this.unit, ...this.#state };
    const signature = await this.signer.sign(encodeChainedPayload(fields));
    // crypto's signChainedPacket writes the wire text; it is handed the signature made above.
    const { packet, hash } = signChainedPacket({ scheme: this.signer.scheme, sign: () => signature }, fields, this.signer.signatureEncoding);
    this.#state = { sequence: fields.sequence + 1, previous: hash };
    return { reading: { format: 'chained-v1', payload: packet }, hash, fields };
  }

  /** Start a new chain (the next packet names 64 zeros as its previous: the ledger records a chain reset). */
  restartChain(): void {
    this.#state = { sequence: this.#state.sequence, previous: CHAINED_ZERO_HASH };
  }
}

// ---- BC4P Tasmota plug ------------------------------------------------------------------------------

/** A Tasmota SENSOR message as the BC4P firmware publishes it. */
export interface TasmotaMessage {
  /** tele/<device>/SENSOR */
  topic: string;
  /** {"Time":"…","ENERGY":{…,"Total":…,…},"Signature":"<128 hex digits>"} */
  payload: string;
}

const DECIMAL = /^(?:0|[1-9][0-9]*)(?:\.[0-9]+)?$/;
const DEVICE = /^[^/+#\s]+$/;
const TOTAL_MARKER = '@@meterledger-total@@';

/**
 * `date` as Tasmota prints it: local time without an offset, `YYYY-MM-DDTHH:MM:SS`, for a device whose
 * clock runs at `utcOffset` ('Z' or ±HH:MM).
 */
export function tasmotaTime(date: Date, utcOffset = 'Z'): string {
  const m = /^(?:Z|([+-])([01][0-9]|2[0-3]):([0-5][0-9]))$/.exec(utcOffset);
  if (!m) throw new RangeError(`utcOffset must be Z or ±HH:MM, got ${JSON.stringify(utcOffset)}`);
  const minutes = m[1] ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
  return new Date(Math.floor(date.getTime() / 1000) * 1000 + minutes * 60_000).toISOString().slice(0, 19);
}

/**
 * A signed BC4P Tasmota message (003 §3.2): Ed25519 over "<Time>,<Total>" with Total exactly as printed.
 * `total` is the decimal text Tasmota prints (e.g. "1.581"); `energy` the other ENERGY fields. The signed
 * text is what @meterledger/crypto's parser derives from the message, so it cannot differ from what the
 * chaincode verifies.
 */
export async function signTasmotaMessage(
  signer: DeviceSigner,
  message: { device: string; time: string; total: string; energy?: Record<string, number | string> },
): Promise<TasmotaMessage> {
  if (signer.scheme !== 'ed25519') throw new CryptoError('KEY_SCHEME_MISMATCH', `a BC4P Tasmota plug signs with Ed25519, not ${signer.scheme}`);
  if (!DEVICE.test(message.device)) throw new RangeError(`device must be a topic level without / + # or blanks, got ${JSON.stringify(message.device)}`);
  if (!DECIMAL.test(message.total)) throw new RangeError(`total must be a decimal such as "1.581", got ${JSON.stringify(message.total)}`);
  const topic = `tele/${message.device}/SENSOR`;
  const energy = { ...message.energy };
  delete energy.Total;
  // ENERGY with Total spliced in as its exact decimal text (JSON.stringify would print 1.000 as 1).
  const energyJson = JSON.stringify({ ...energy, Total: TOTAL_MARKER }).replace(`"${TOTAL_MARKER}"`, message.total);
  const build = (signatureHex: string) => `{"Time":${JSON.stringify(message.time)},"ENERGY":${energyJson},"Signature":"${signatureHex}"}`;
  const { signedBytes } = parseSignedReading('bc4p-tasmota', build('0'.repeat(128)), { topic });
  const signature = await signer.sign(signedBytes);
  const payload = build(toHex(signature));
  parseSignedReading('bc4p-tasmota', payload, { topic }); // the shape the gateway and chaincode check
  return { topic, payload };
}

/** A Tasmota message as the SubmittedReading the gateway takes (the message does not name its meter). */
export function tasmotaReading(message: Pick<TasmotaMessage, 'payload'>, target: { meterId: string; utcOffset?: string }): SubmittedReading {
  return { format: 'bc4p-tasmota', payload: message.payload, meterId: target.meterId, ...(target.utcOffset ? { utcOffset: target.utcOffset } : {}) };
}

/**
 * A simulated BC4P Tasmota plug: an energy register (kWh, printed with `decimals` places) that grows with
 * each message. For demos and tests of the MQTT bridge.
 */
export class SimulatedTasmotaPlug {
  #totalMilli: bigint;
  readonly #decimals: number;

  constructor(
    readonly device: string,
    readonly signer: DeviceSigner,
    options: { utcOffset?: string; total?: string; decimals?: number } = {},
  ) {
    this.utcOffset = options.utcOffset ?? 'Z';
    this.#decimals = options.decimals ?? 3;
    const total = options.total ?? '0';
    if (!DECIMAL.test(total)) throw new RangeError(`total must be a decimal, got ${JSON.stringify(total)}`);
    const [int, frac = ''] = total.split('.');
    this.#totalMilli = BigInt(int + frac.padEnd(this.#decimals, '0').slice(0, this.#decimals));
  }

  readonly utcOffset: string;

  /** The register as printed, e.g. "1.581". */
  get total(): string {
    const s = this.#totalMilli.toString().padStart(this.#decimals + 1, '0');
    return this.#decimals === 0 ? s : `${s.slice(0, -this.#decimals)}.${s.slice(-this.#decimals)}`;
  }

  /** Add `units` (in the last printed digit, e.g. Wh for 3 decimals of kWh) and sign a message at `at`. */
  async measure(at: Date, units = 1, energy: Record<string, number | string> = { Power: 51, Voltage: 234, Current: 0.333 }): Promise<TasmotaMessage> {
    this.#totalMilli += BigInt(units);
    return signTasmotaMessage(this.signer, { device: this.device, time: tasmotaTime(at, this.utcOffset), total: this.total, energy });
  }
}
