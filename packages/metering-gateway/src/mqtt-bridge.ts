import { EventEmitter } from 'node:events';
import mqtt, { type IClientOptions, type IPublishPacket, type MqttClient } from 'mqtt';
import { READINGS_LIMITS, type SubmittedReading } from '@meterledger/contract-api';
import { CryptoError, parseSignedReading } from '@meterledger/crypto';
import type { GatewayLogger } from './types';

/** Where a device's readings go: its registered meter, and the UTC offset its clock prints local time in. */
export interface DeviceTarget {
  meterId: string;
  /** 'Z' (default) or ±HH:MM: Tasmota prints local time without an offset. */
  utcOffset?: string;
}

/** What the bridge needs of a MeteringGateway. */
export interface ReadingSink {
  enqueue(readings: SubmittedReading | SubmittedReading[]): Promise<number[]>;
}

export interface MqttBridgeOptions {
  /** mqtt://host:port (or mqtts://, ws://). */
  url: string;
  /** Device name (the <device> of tele/<device>/SENSOR) → meter. */
  devices: Record<string, DeviceTarget> | ((device: string) => DeviceTarget | undefined);
  /**
   * Fixed client id of the persistent session: the broker keeps the subscription and queues QoS 1
   * messages for it while the bridge is away. One bridge per id.
   */
  clientId: string;
  /** Default `tele/+/SENSOR`. */
  topic?: string;
  /** Further mqtt.js options (username, password, TLS, ...); clientId, clean, customHandleAcks and the reconnect period are set by the bridge. */
  mqttOptions?: Omit<IClientOptions, 'clientId' | 'clean' | 'customHandleAcks' | 'protocolVersion'>;
  /**
   * 5 (default): MQTT 5, PUBACK sent from mqtt.js's customHandleAcks after the durable enqueue; 4: MQTT
   * 3.1.1 for older brokers, the same through mqtt.js's handleMessage hook.
   */
  protocolVersion?: 4 | 5;
  /** MQTT 5: how long the broker keeps the session (and queues messages) while the bridge is away; default 30 days. */
  sessionExpirySeconds?: number;
  /** Delay between reconnection attempts (default 1000 ms). */
  reconnectPeriodMs?: number;
  logger?: GatewayLogger;
}

/** Why a message was skipped (acknowledged without enqueueing). */
export type SkipReason = 'UNKNOWN_DEVICE' | 'MALFORMED_READING' | 'PAYLOAD_TOO_LARGE' | 'NOT_UTF8';

export interface SkippedMessage {
  topic: string;
  reason: SkipReason;
  message: string;
  device?: string;
}

export interface EnqueuedMessage {
  topic: string;
  device: string;
  meterId: string;
  seq: number;
}

export interface MqttBridgeEvents {
  enqueued: [EnqueuedMessage];
  skipped: [SkippedMessage];
  connect: [{ sessionPresent: boolean }];
  offline: [];
  /** The durable enqueue failed: the message is NOT acknowledged and the broker delivers it again after a reconnect. */
  enqueueFailed: [{ topic: string; message: string }];
}

const TOPIC = /^tele\/([^/+#]+)\/SENSOR$/;
const silentLogger: GatewayLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** What the bridge decided about one message. */
export type MessageDecision = { kind: 'enqueued'; event: EnqueuedMessage } | { kind: 'skipped'; event: SkippedMessage };

/**
 * Bridges BC4P Tasmota plugs on MQTT to a MeteringGateway: subscribes to `tele/+/SENSOR` with QoS 1 in a
 * persistent session, maps each device to its meter, checks the message's shape with @meterledger/crypto's
 * parser and queues it durably, and only then acknowledges it (PUBACK is sent from mqtt.js's
 * customHandleAcks after the enqueue resolved). So a message the broker handed over is either in the
 * gateway's queue or will be delivered again: a crash of the bridge or a restart of the broker loses
 * nothing that was acknowledged. A message that cannot be a reading (unknown device, malformed JSON, a
 * signature of the wrong shape) is reported ('skipped') and acknowledged: it would never get better.
 * Signatures are verified by the chaincode, against the meter's registered key.
 */
export class MqttBridge extends EventEmitter<MqttBridgeEvents> {
  readonly #sink: ReadingSink;
  readonly #options: MqttBridgeOptions;
  readonly #log: GatewayLogger;
  #client: MqttClient | undefined;
  readonly stats = { enqueued: 0, skipped: 0, enqueueFailures: 0, connects: 0 };

  constructor(sink: ReadingSink, options: MqttBridgeOptions) {
    super();
    if (!options.clientId) throw new RangeError('clientId is required: a persistent session needs a fixed client id');
    this.#sink = sink;
    this.#options = options;
    this.#log = options.logger ?? silentLogger;
  }

  #target(device: string): DeviceTarget | undefined {
    const d = this.#options.devices;
    if (typeof d === 'function') return d(device);
    return Object.prototype.hasOwnProperty.call(d, device) ? d[device] : undefined;
  }

  /**
   * Decide one message and, for a good one, queue it durably. Resolves once it is safe to acknowledge;
   * rejects only when the durable enqueue failed (then it must not be acknowledged).
   */
  async handleMessage(topic: string, payload: Uint8Array): Promise<MessageDecision> {
    const skip = (reason: SkipReason, message: string, device?: string): MessageDecision => {
      const event: SkippedMessage = { topic, reason, message, ...(device !== undefined ? { device } : {}) };
      this.stats.skipped++;
      this.#log.warn(`mqtt-bridge: skipped a message on ${topic}: ${reason}: ${message}`);
      this.emit('skipped', event);
      return { kind: 'skipped', event };
    };
    const m = TOPIC.exec(topic);
    if (!m) return skip('MALFORMED_READING', 'topic is not tele/<device>/SENSOR');
    const device = m[1];
    const target = this.#target(device);
    if (!target) return skip('UNKNOWN_DEVICE', `device ${device} is not configured`, device);
    if (payload.length > READINGS_LIMITS.maxPayloadBytes) return skip('PAYLOAD_TOO_LARGE', `${payload.length} bytes (limit ${READINGS_LIMITS.maxPayloadBytes})`, device);
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(payload);
    } catch {
      return skip('NOT_UTF8', 'payload is not UTF-8', device);
    }
    try {
      parseSignedReading('bc4p-tasmota', text, { topic });
    } catch (err) {
      if (err instanceof CryptoError) return skip('MALFORMED_READING', err.message, device);
      throw err;
    }
    const reading: SubmittedReading = { format: 'bc4p-tasmota', payload: text, meterId: target.meterId, ...(target.utcOffset ? { utcOffset: target.utcOffset } : {}) };
    let seq: number;
    try {
      [seq] = await this.#sink.enqueue(reading);
    } catch (err) {
      // The gateway refused it as a request (bad meter id or offset in the configuration): it never gets better.
      if ((err as { code?: string }).code === 'INVALID_ARGUMENT') return skip('MALFORMED_READING', (err as Error).message, device);
      throw err;
    }
    const event: EnqueuedMessage = { topic, device, meterId: target.meterId, seq };
    this.stats.enqueued++;
    this.emit('enqueued', event);
    return { kind: 'enqueued', event };
  }

  /** Connect, subscribe (QoS 1) and resolve once subscribed. Reconnects by itself until stop(). */
  async start(): Promise<void> {
    if (this.#client) throw new Error('the bridge is already started');
    const topic = this.#options.topic ?? 'tele/+/SENSOR';
    const v5 = (this.#options.protocolVersion ?? 5) === 5;
    // Handle one message; acknowledge (ack()) only once it is durable. On failure: no PUBACK, and the
    // connection is dropped so that the broker delivers the message again after the reconnection.
    const handle = (t: string, message: Buffer, ack: () => void) => {
      this.handleMessage(t, message).then(ack, (err: unknown) => {
        this.stats.enqueueFailures++;
        const text = (err as Error).message;
        this.#log.error(`mqtt-bridge: could not queue a message on ${t} (${text}); reconnecting without acknowledging it`);
        this.emit('enqueueFailed', { topic: t, message: text });
        client.stream?.destroy();
      });
    };
    const client = mqtt.connect(this.#options.url, {
      ...this.#options.mqttOptions,
      clientId: this.#options.clientId,
      clean: false,
      reconnectPeriod: this.#options.reconnectPeriodMs ?? 1000,
      resubscribe: true,
      protocolVersion: v5 ? 5 : 4,
      ...(v5
        ? {
            // MQTT 5: the session outlives the connection only with a session expiry interval.
            properties: { ...this.#options.mqttOptions?.properties, sessionExpiryInterval: this.#options.sessionExpirySeconds ?? 30 * 24 * 3600 },
            // mqtt.js sends the PUBACK of a QoS 1 message when `done` is called.
            customHandleAcks: (t: string, message: Buffer, _packet: IPublishPacket, done: (error: Error | number, code?: number) => void) => handle(t, message, () => done(0)),
          }
        : {}),
    });
    if (!v5) {
      // MQTT 3.1.1 (mqtt.js applies customHandleAcks to MQTT 5 only): handleMessage runs before the PUBACK
      // is sent, one message at a time.
      client.handleMessage = (packet, callback) => {
        if (packet.cmd !== 'publish') return callback();
        handle(packet.topic, packet.payload as Buffer, () => callback());
      };
    }
    this.#client = client;
    client.on('connect', (connack) => {
      this.stats.connects++;
      this.#log.info(`mqtt-bridge: connected to ${this.#options.url} as ${this.#options.clientId} (session present: ${connack.sessionPresent})`);
      this.emit('connect', { sessionPresent: connack.sessionPresent });
    });
    client.on('offline', () => {
      this.#log.warn(`mqtt-bridge: offline; reconnecting to ${this.#options.url}`);
      this.emit('offline');
    });
    client.on('error', (err) => this.#log.warn(`mqtt-bridge: ${err.message}`));
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error) => {
        if (!client.connected) {
          client.removeListener('connect', onConnect);
          reject(err);
        }
      };
      const onConnect = () => {
        client.removeListener('error', onError);
        client.subscribe(topic, { qos: 1 }, (err, granted) => {
          if (err) return reject(err);
          if (granted?.some((g) => g.qos !== 1)) return reject(new Error(`the broker did not grant QoS 1 on ${topic}: ${JSON.stringify(granted)}`));
          resolve();
        });
      };
      client.once('connect', onConnect);
      client.once('error', onError);
    }).catch(async (err) => {
      await this.stop();
      throw err;
    });
  }

  /** Disconnect (the persistent session stays on the broker, which queues messages until the next start). */
  async stop(): Promise<void> {
    const client = this.#client;
    this.#client = undefined;
    if (client) await client.endAsync();
  }
}
