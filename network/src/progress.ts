// Numbered progress output for multi-step commands:
//   [3/9] joining orderers to nmichannel ... ok (1.2s)
//   [5/9] starting peers ... ok: 2 already running (0.0s)
export interface Step {
  title: string;
  /** Resolves to an optional note shown after "ok" (e.g. what was skipped because it was already done). */
  run: () => Promise<string | void>;
}

export type Print = (text: string) => void;

export async function runSteps(steps: Step[], print: Print, now: () => number = Date.now): Promise<void> {
  for (const [i, step] of steps.entries()) {
    print(`[${i + 1}/${steps.length}] ${step.title} ... `);
    const started = now();
    const secs = () => `${((now() - started) / 1000).toFixed(1)}s`;
    let note: string | void;
    try {
      note = await step.run();
    } catch (e) {
      print(`FAILED (${secs()})\n`);
      throw e;
    }
    print(`ok${note ? `: ${note}` : ''} (${secs()})\n`);
  }
}

/** "2 already running" style summary of per-item outcomes, e.g. {started: 1, running: 2}. */
export function summarize(outcomes: string[], labels: Record<string, string>): string | void {
  const counts = new Map<string, number>();
  for (const o of outcomes) counts.set(o, (counts.get(o) ?? 0) + 1);
  const parts = [...counts].filter(([o]) => labels[o] !== undefined).map(([o, n]) => `${n} ${labels[o]}`);
  return parts.length ? parts.join(', ') : undefined;
}
