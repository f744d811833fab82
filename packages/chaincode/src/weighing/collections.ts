/**
 * The private data collections of the weighing contract, named from MSP ids so the chaincode finds them
 * without knowing the topology (network/ generates the same names into the collections config):
 * - `tickets-<MSP>`: one customer's tickets, indexes, terminal counters and daily totals (members: that
 *   customer; endorsed by its peers);
 * - `routes-<MSP a>-<MSP b>` (a < b): routes between two customers, their legs and verdicts (members: both).
 */
export function ticketsCollection(customerMspId: string): string {
  return `tickets-${customerMspId}`;
}

/** Where a route between these customers lives: the pair's collection, or the customer's own for an internal route. */
export function routesCollection(originMspId: string, destinationMspId: string): string {
  if (originMspId === destinationMspId) return ticketsCollection(originMspId);
  const [a, b] = [originMspId, destinationMspId].sort();
  return `routes-${a}-${b}`;
}
