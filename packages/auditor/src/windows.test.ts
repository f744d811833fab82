import * as chaincode from '../../chaincode/src/readings/windows';
import { aggregateOfValues } from './decimal';
import { aggregateOf } from '../../chaincode/src/readings/aggregate';
import { CHILD_LEVEL, WINDOW_LEVELS, levelOfWindow, nextWindow, windowEnd, windowOf, windowStart } from './windows';

/** The auditor's window and decimal arithmetic agree with the chaincode's (which an SDK must not import). */
describe('windows', () => {
  const times = ['2024-02-28T23:59:59.999Z', '2024-02-29T12:00:00Z', '2025-12-31T23:59:00.000Z', '2026-01-01T00:00:00+01:00', '2000-12-31T10:30:15.5-03:00'];
  it.each(times)('window ids, starts, ends and successors of %s', (time) => {
    for (const level of WINDOW_LEVELS) {
      const id = windowOf(level, time);
      expect(id).toBe(chaincode.windowOf(level, chaincode.normalizeTime(time)));
      expect(windowStart(level, id)).toBe(chaincode.windowStart(level, id));
      expect(windowEnd(level, id)).toBe(chaincode.windowEnd(level, id));
      expect(nextWindow(level, id)).toBe(chaincode.nextWindow(level, id));
      expect(levelOfWindow(id)).toBe(level);
    }
  });

  it('children and bad ids', () => {
    expect(CHILD_LEVEL.year).toBe('month');
    expect(CHILD_LEVEL.minute).toBeUndefined();
    expect(() => windowStart('month', '2025-13')).toThrow();
    expect(() => windowStart('hour', '2025-12-30')).toThrow(/not a hour window id/);
    expect(() => levelOfWindow('2025-1')).toThrow(RangeError);
  });
});

describe('decimal aggregates', () => {
  it.each([[['1.000', '2', '-0.5', '00.50']], [['-3', '-3.0', '-3.00']], [[]], [['12345678901234567890.123456789', '0.000000001']]])('match the chaincode: %j', (values) => {
    expect(aggregateOfValues(values)).toEqual(aggregateOf(values));
  });
});
