import { runSteps, summarize } from './progress';

describe('progress output', () => {
  it('numbers steps and shows ok with notes and durations', async () => {
    let clock = 0;
    const out: string[] = [];
    await runSteps(
      [
        { title: 'starting CAs', run: async () => void (clock += 1200) },
        { title: 'joining orderers to nmichannel', run: async () => ((clock += 300), '3 already joined') },
      ],
      (s) => out.push(s),
      () => clock,
    );
    expect(out.join('')).toBe('[1/2] starting CAs ... ok (1.2s)\n[2/2] joining orderers to nmichannel ... ok: 3 already joined (0.3s)\n');
  });

  it('marks the failing step and stops there', async () => {
    const out: string[] = [];
    const third = jest.fn();
    await expect(
      runSteps(
        [
          { title: 'a', run: async () => undefined },
          { title: 'b', run: async () => Promise.reject(new Error('boom')) },
          { title: 'c', run: third },
        ],
        (s) => out.push(s),
        () => 0,
      ),
    ).rejects.toThrow('boom');
    expect(out.join('')).toBe('[1/3] a ... ok (0.0s)\n[2/3] b ... FAILED (0.0s)\n');
    expect(third).not.toHaveBeenCalled();
  });

  it('summarizes outcomes, leaving the ordinary ones out', () => {
    expect(summarize(['started', 'running', 'running'], { running: 'already running' })).toBe('2 already running');
    expect(summarize(['started'], { running: 'already running' })).toBeUndefined();
  });
});
