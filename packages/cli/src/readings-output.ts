import type { AggregateCheck, AuditReport } from '@meterledger/auditor';
import type { CountResult, RangeAggregate, ReadingRecord, SealResult, SealView, WindowAggregate } from '@meterledger/contract-api';

export { jsonLine } from './output';

/** Human renderings of the readings results (`--json` prints the results themselves). */

export function formatReadingLine(r: ReadingRecord): string {
  const extras = [r.reset ? `reset:${r.reset}` : '', r.group ? `group:${r.group}` : ''].filter((x) => x !== '').join(' ');
  return `${r.time}\t${r.value} ${r.unit}\tseq ${r.sequence ?? '-'}\tkey v${r.keyVersion}\t${r.digest.slice(0, 16)}…\ttx ${r.txId}${extras ? `\t${extras}` : ''}`;
}

function aggregateText(a: { sum: string; count: number; min: string; max: string; avg?: string }): string {
  return a.count === 0 ? 'count 0' : `count ${a.count}, sum ${a.sum}, min ${a.min}, max ${a.max}${a.avg !== undefined ? `, avg ${a.avg}` : ''}`;
}

export function formatRangeAggregate(a: RangeAggregate): string {
  const c = a.cost;
  return [`${a.series} [${a.from}, ${a.to}): ${aggregateText(a)}`, `  read: ${c.windows} windows (${c.sealedWindows} sealed), ${c.partials} partials, ${c.rawReadings} raw readings`].join('\n');
}

export function formatCount(c: CountResult): string {
  return `${c.series}: ${c.before} readings before ${c.at}, ${c.after} from then until ${c.until}`;
}

export function formatWindowAggregateLine(a: WindowAggregate): string {
  return `${a.window}\t${aggregateText(a)}\t${a.sealed ? `sealed ${a.commitment?.slice(0, 16)}…` : 'open'}`;
}

export function formatSealResult(r: SealResult & { transactions: number }): string {
  if (r.from === '') return `${r.series}: no readings, nothing to seal`;
  return `${r.series}: sealed [${r.from}, ${r.until}); ${r.windowsSealed} windows and ${r.readingsCovered} readings in ${r.transactions} transaction(s)${r.more ? ' (more to do: run again)' : ''}`;
}

export function formatSealView(v: SealView): string {
  if (!v.seal) return 'not sealed';
  const s = v.seal;
  const lines = [`${s.series} ${s.level} ${s.window}: sealed in ${s.sealedBy} at ${s.sealedAt}`, `  ${aggregateText(s)}`, `  commitment ${s.commitment}`];
  for (const c of v.children) lines.push(`  ${c.level} ${c.window}: count ${c.count}, commitment ${c.commitment}`);
  for (const r of v.readings) lines.push(`  ${r.time} ${r.meterId} ${r.digest}`);
  return lines.join('\n');
}

export function formatReport(r: AuditReport): string {
  const lines = [
    `meter ${r.meterId} [${r.from}, ${r.to}): ${r.readings} readings, ${r.verified} verified offline, ${r.verificationFailures.length} failed`,
  ];
  for (const f of r.verificationFailures) lines.push(`  NOT VALID ${f.reading.time} (key v${f.keyVersion}): ${f.reason}`);
  for (const g of r.gaps) {
    if (g.kind === 'sequence') lines.push(`  gap: ${g.missing} sequence number(s) missing between ${g.after.sequence} (${g.after.time}) and ${g.before.sequence} (${g.before.time})`);
    else if (g.kind === 'time') lines.push(`  gap: ${g.gapMs / 1000} s between ${g.after.time} and ${g.before.time}`);
    else lines.push(`  gap: chain restarted at ${g.before.time}`);
  }
  for (const reset of r.resets) lines.push(`  reset (${reset.kind}) at ${reset.reading.time}`);
  for (const k of r.keyChanges) lines.push(`  key v${k.from} → v${k.to} at ${k.at.time}`);
  for (const c of r.clockProblems) {
    lines.push(`  clock: ${c.kind === 'future' ? 'device time after its submission' : 'submitted late'}: device ${c.deviceTime}, submitted ${c.submittedAt} (${c.delayMs / 1000} s)`);
  }
  if (lines.length === 1) lines.push('  no gaps, resets or clock problems');
  return lines.join('\n');
}

export function formatAggregateCheck(c: AggregateCheck): string {
  const lines = [
    `${c.series} ${c.level} ${c.window}: ${c.ok ? 'OK' : 'MISMATCH'}`,
    `  raw readings: ${aggregateText(c.recomputed)}; commitment ${c.recomputed.commitment}`,
    `  listAggregates: ${c.listed ? aggregateText(c.listed) : 'no answer'} (${c.matchesListed ? 'agrees' : 'differs'})`,
    `  seal: ${c.seal ? `${aggregateText(c.seal)}; commitment ${c.commitmentMatches ? 'agrees' : 'differs'}` : 'not sealed'}`,
  ];
  for (const m of c.mismatches) lines.push(`  ${m}`);
  return lines.join('\n');
}
