import * as grpc from '@grpc/grpc-js';
import { CommitStatusError, EndorseError, type ErrorDetail, type GatewayError } from '@hyperledger/fabric-gateway';
import { newGatewayError } from '@hyperledger/fabric-gateway/dist/gatewayerror';
import { SubmitError } from '@hyperledger/fabric-gateway/dist/submiterror';
import { gateway, google } from '@hyperledger/fabric-protos';

/**
 * Build fabric-gateway errors the way the library itself does: a gRPC ServiceError whose
 * `grpc-status-details-bin` trailer carries gateway.ErrorDetail messages, decoded by newGatewayError and
 * wrapped with the transaction id (see fabric-gateway's client.js).
 */
export function serviceError(code: grpc.status, message: string, details: ErrorDetail[] = []): grpc.ServiceError {
  const metadata = new grpc.Metadata();
  if (details.length > 0) {
    const status = new google.rpc.Status();
    status.setCode(code);
    status.setMessage(message);
    for (const d of details) {
      const detail = new gateway.ErrorDetail();
      detail.setAddress(d.address);
      detail.setMspId(d.mspId);
      detail.setMessage(d.message);
      const any = status.addDetails();
      any.setTypeUrl('type.googleapis.com/gateway.ErrorDetail');
      any.setValue(detail.serializeBinary());
    }
    metadata.set('grpc-status-details-bin', Buffer.from(status.serializeBinary()));
  }
  const err = new Error(`${code} ${grpc.status[code]}: ${message}`) as grpc.ServiceError;
  return Object.assign(err, { code, details: message, metadata });
}

export function gatewayError(code: grpc.status, message: string, details: ErrorDetail[] = []): GatewayError {
  return newGatewayError(serviceError(code, message, details));
}

export function endorseError(transactionId: string, code: grpc.status, message: string, details: ErrorDetail[] = []): EndorseError {
  return new EndorseError(Object.assign(gatewayError(code, message, details), { transactionId }));
}

export function submitError(transactionId: string, code: grpc.status, message: string, details: ErrorDetail[] = []): SubmitError {
  return new SubmitError(Object.assign(gatewayError(code, message, details), { transactionId }));
}

export function commitStatusError(transactionId: string, code: grpc.status, message: string): CommitStatusError {
  return new CommitStatusError(Object.assign(gatewayError(code, message), { transactionId }));
}
