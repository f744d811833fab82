import type { CheckDisclosureQuery, DisclosureCheck } from '@meterledger/contract-api';
import { WeighingCalls, type WeighingTarget } from './weighing-contract';

/**
 * A third party given a ticket by its customer (e.g. a legal-metrology inspector of an authority org): checks
 * the record against the private data hash every peer holds and the terminal's registered key. Any identity
 * of the channel may; no membership of the customer's collection is needed.
 */
export class InspectorClient {
  readonly #calls: WeighingCalls;

  constructor(target: WeighingTarget) {
    this.#calls = new WeighingCalls(target);
  }

  checkDisclosure(query: CheckDisclosureQuery): Promise<DisclosureCheck> {
    return this.#calls.evaluate('checkDisclosure', query);
  }
}
