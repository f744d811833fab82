import { common, gateway, peer } from '@hyperledger/fabric-protos';

/**
 * Real Fabric protobuf messages, built the way peers and fabric-gateway build them (see fabric's
 * protoutil and the gateway's prepareTransaction): an endorser transaction envelope whose single action
 * carries the endorsed ChaincodeAction with the chaincode response, wrapped as qscc answers it.
 */
export interface EnvelopeSpec {
  transactionId: string;
  channel?: string;
  /** Chaincode result bytes (ChaincodeAction.response.payload). */
  result?: Uint8Array | string;
  chaincodeStatus?: number;
  signature?: Uint8Array;
}

export function buildEnvelope(spec: EnvelopeSpec): common.Envelope {
  const channelHeader = new common.ChannelHeader();
  channelHeader.setType(common.HeaderType.ENDORSER_TRANSACTION);
  channelHeader.setChannelId(spec.channel ?? 'nmichannel');
  channelHeader.setTxId(spec.transactionId);
  const header = new common.Header();
  header.setChannelHeader(channelHeader.serializeBinary());
  header.setSignatureHeader(new common.SignatureHeader().serializeBinary());

  const response = new peer.Response();
  response.setStatus(spec.chaincodeStatus ?? 200);
  response.setPayload(typeof spec.result === 'string' ? Buffer.from(spec.result) : (spec.result ?? new Uint8Array()));
  const chaincodeAction = new peer.ChaincodeAction();
  chaincodeAction.setResponse(response);
  chaincodeAction.setResults(Buffer.from('read-write set'));
  const responsePayload = new peer.ProposalResponsePayload();
  responsePayload.setProposalHash(Buffer.from('proposal hash'));
  responsePayload.setExtension$(chaincodeAction.serializeBinary());
  const endorsed = new peer.ChaincodeEndorsedAction();
  endorsed.setProposalResponsePayload(responsePayload.serializeBinary());
  const actionPayload = new peer.ChaincodeActionPayload();
  actionPayload.setChaincodeProposalPayload(new peer.ChaincodeProposalPayload().serializeBinary());
  actionPayload.setAction(endorsed);
  const action = new peer.TransactionAction();
  action.setHeader(header.getSignatureHeader_asU8());
  action.setPayload(actionPayload.serializeBinary());
  const transaction = new peer.Transaction();
  transaction.addActions(action);

  const payload = new common.Payload();
  payload.setHeader(header);
  payload.setData(transaction.serializeBinary());
  const envelope = new common.Envelope();
  envelope.setPayload(payload.serializeBinary());
  envelope.setSignature(spec.signature ?? Buffer.from('signature'));
  return envelope;
}

/** qscc GetTransactionByID's answer. */
export function processedTransactionBytes(spec: EnvelopeSpec & { validationCode?: number }): Uint8Array {
  const processed = new peer.ProcessedTransaction();
  processed.setTransactionenvelope(buildEnvelope(spec));
  processed.setValidationcode(spec.validationCode ?? peer.TxValidationCode.VALID);
  return processed.serializeBinary();
}

/** qscc GetBlockByTxID's answer: a block holding these envelopes. */
export function blockBytes(blockNumber: number, envelopes: common.Envelope[]): Uint8Array {
  const header = new common.BlockHeader();
  header.setNumber(blockNumber);
  const data = new common.BlockData();
  data.setDataList(envelopes.map((e) => e.serializeBinary()));
  const block = new common.Block();
  block.setHeader(header);
  block.setData(data);
  block.setMetadata(new common.BlockMetadata());
  return block.serializeBinary();
}

/** fabric-gateway's Transaction.getBytes(): a PreparedTransaction holding the signed envelope. */
export function preparedTransactionBytes(spec: EnvelopeSpec): Uint8Array {
  const prepared = new gateway.PreparedTransaction();
  prepared.setTransactionId(spec.transactionId);
  prepared.setEnvelope(buildEnvelope(spec));
  return prepared.serializeBinary();
}
