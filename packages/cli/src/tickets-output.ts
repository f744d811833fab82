import type { DisclosureCheck, RouteView, TicketGroupsResult, TicketView } from '@meterledger/contract-api';

/** Human renderings of the weighing results (`--json` prints the results themselves). */

export function formatTicketLine(v: TicketView): string {
  const t = v.ticket;
  const flags = v.flags.length ? `\t${v.flags.join(',')}` : '';
  return `${v.time}\t${t.ticketID}\t${t.station}/${t.weighbridge}\tgross ${t.scaleGross} net ${t.scaleNet} ${t.unit}\tstatus ${JSON.stringify(t.scaleStatus)}${flags}`;
}

export function formatTicketView(v: TicketView): string {
  const t = v.ticket;
  return [
    `ticket ${t.ticketID} of ${v.customer}, station ${t.station}, weighbridge ${t.weighbridge}`,
    `  weighed ${t.timestamp} (${v.time}); gross ${t.scaleGross} ${t.unit}, net ${t.scaleNet} ${t.unit}, status ${JSON.stringify(t.scaleStatus)}`,
    `  terminal ${t.terminalSerialNumber} (key v${v.keyVersion}, restart ${t.terminalRestartValue}), scale ${t.scaleSerialNumber}`,
    ...t.cells.map((c) => `  cell ${c.cellSerialNumber}: ${c.cellWeight}`),
    `  flags: ${v.flags.length ? v.flags.join(', ') : 'none'}; tx ${v.txId} at ${v.submittedAt}`,
  ].join('\n');
}

export function formatGroups(r: TicketGroupsResult): string {
  const lines = r.groups.map((g) => `${g.key}\t${g.count} tickets\tgross sum ${g.gross.sum} (${g.gross.min}..${g.gross.max})\tnet sum ${g.net.sum} (${g.net.min}..${g.net.max}) ${g.unit}`);
  lines.push(`(${r.groups.length} groups by ${r.by}, from ${r.source === 'totals' ? 'the daily totals' : 'a scan of the tickets'})`);
  return lines.join('\n');
}

export function formatRoute(v: RouteView): string {
  const r = v.route;
  const lines = [
    `route ${r.routeId}, vehicle ${r.vehicleId}: ${r.origin.customer}/${r.origin.station} → ${r.destination.customer}/${r.destination.station}, expected net ${r.expectedNet} ± ${r.tolerance} ${r.unit}`,
    `  attached: origin ${v.attached.origin ? 'yes' : 'no'}, destination ${v.attached.destination ? 'yes' : 'no'}`,
  ];
  if (v.own) lines.push(`  your ${v.own.end}: ticket ${v.own.ticketID}, net ${v.own.net}`);
  lines.push(v.verdict ? `  verdict: ${v.verdict.withinTolerance ? 'WITHIN tolerance' : 'OUT OF tolerance'}, destination − origin = ${v.verdict.difference} ${r.unit} (tx ${v.verdict.txId})` : '  verdict: not yet (both ends must attach a ticket)');
  return lines.join('\n');
}

export function formatDisclosureCheck(c: DisclosureCheck): string {
  return [
    `ticket ${c.ticket.ticketID} of ${c.customer}: ${c.valid ? 'VALID' : 'NOT VALID'}`,
    `  record hash ${c.recordHash}`,
    `  ledger hash ${c.ledgerHash || '(none: no such ticket on the ledger)'}`,
    `  terminal signature: ${c.signatureValid ? 'verifies' : 'does NOT verify'} (terminal ${c.ticket.terminalSerialNumber})`,
  ].join('\n');
}
