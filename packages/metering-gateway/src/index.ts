export {
  ChainedMeter,
  SimulatedTasmotaPlug,
  readingV1,
  signReadingV1,
  signTasmotaMessage,
  tasmotaReading,
  tasmotaTime,
  type ChainState,
  type TasmotaMessage,
} from './device';
export {
  MeteringGateway,
  isRetryableSubmitError,
  type ConnectGatewayOptions,
  type MeteringGatewayOptions,
  type ReadingsContract,
} from './gateway';
export { DurableQueue, type DurableQueueOptions, type QueuedReading } from './store';
export {
  MqttBridge,
  type DeviceTarget,
  type EnqueuedMessage,
  type MessageDecision,
  type MqttBridgeEvents,
  type MqttBridgeOptions,
  type ReadingSink,
  type SkipReason,
  type SkippedMessage,
} from './mqtt-bridge';
export type * from './types';
