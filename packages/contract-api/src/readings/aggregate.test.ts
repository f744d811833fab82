import {
  addDecimals,
  addValue,
  aggregateOf,
  average,
  canonicalDecimal,
  checkAggregate,
  compareDecimals,
  emptyAggregate,
  mergeAggregates,
  parseDecimal,
  type Aggregate,
} from './aggregate';

function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

describe('decimal strings', () => {
  it('adds exactly, keeping the larger scale', () => {
    expect(addDecimals('0.1', '0.2')).toBe('0.3');
    expect(addDecimals('1.000', '2')).toBe('3.000');
    expect(addDecimals('1.5', '-2.25')).toBe('-0.75');
    expect(addDecimals('-1.5', '1.50')).toBe('0.00');
    expect(addDecimals('-0.000', '0')).toBe('0.000');
    expect(addDecimals('007.10', '-0003')).toBe('4.10');
    expect(addDecimals('99999999999999999999999999999999999999', '1')).toBe('100000000000000000000000000000000000000');
    expect(addDecimals('9007199254740993', '0.000000000000000001')).toBe('9007199254740993.000000000000000001');
  });

  it('canonicalizes spelling but keeps precision', () => {
    expect(canonicalDecimal('-0.000')).toBe('0.000');
    expect(canonicalDecimal('-0')).toBe('0');
    expect(canonicalDecimal('000.5')).toBe('0.5');
    expect(canonicalDecimal('1.000')).toBe('1.000');
    expect(canonicalDecimal('-12.3400')).toBe('-12.3400');
    expect(parseDecimal('-12.34')).toEqual({ coefficient: -1234n, scale: 2 });
  });

  it('compares numerically across scales and signs', () => {
    expect(compareDecimals('1.0', '1.00')).toBe(0);
    expect(compareDecimals('-0.000', '0')).toBe(0);
    expect(compareDecimals('-1', '0.5')).toBe(-1);
    expect(compareDecimals('-1.01', '-1.1')).toBe(1);
    expect(compareDecimals('10', '9.999999')).toBe(1);
    expect(compareDecimals('123456789012345678901234567890', '123456789012345678901234567891')).toBe(-1);
  });

  it('rejects malformed decimals', () => {
    for (const bad of ['', '-', '+1', '1.', '.5', '1e3', ' 1', '1 ', '1,5', 'NaN', 'Infinity', '0x10', '--1', '1.2.3', '١']) {
      expect(() => parseDecimal(bad)).toThrow(/not a decimal/);
    }
    expect(() => parseDecimal(1 as unknown as string)).toThrow(/must be a string/);
    expect(() => parseDecimal('1'.repeat(1001))).toThrow(/longer than/);
    expect(() => addValue(emptyAggregate(), '1e3')).toThrow(/not a decimal/);
  });
});

describe('aggregates', () => {
  it('accumulates sum, count, min and max', () => {
    const a = aggregateOf(['1.000', '-2.5', '3', '0.25']);
    expect(a).toEqual({ sum: '1.750', count: 4, min: '-2.5', max: '3' });
    expect(aggregateOf([])).toEqual(emptyAggregate());
    expect(addValue(emptyAggregate(), '-0.000')).toEqual({ sum: '0.000', count: 1, min: '0.000', max: '0.000' });
  });

  it('does not modify its arguments', () => {
    const a = aggregateOf(['1']);
    addValue(a, '2');
    mergeAggregates(a, a);
    expect(a).toEqual({ sum: '1', count: 1, min: '1', max: '1' });
  });

  it('has the empty aggregate as identity', () => {
    const a = aggregateOf(['1.10', '-7']);
    expect(mergeAggregates(a, emptyAggregate())).toEqual(a);
    expect(mergeAggregates(emptyAggregate(), a)).toEqual(a);
    expect(mergeAggregates(emptyAggregate(), emptyAggregate())).toEqual(emptyAggregate());
  });

  it('breaks numeric ties in min and max by scale, whatever the order', () => {
    const a = aggregateOf(['1.0']);
    const b = aggregateOf(['1.00']);
    expect(mergeAggregates(a, b)).toEqual(mergeAggregates(b, a));
    expect(mergeAggregates(a, b)).toEqual({ sum: '2.00', count: 2, min: '1.0', max: '1.00' });
  });

  it('merges random partials to byte-identical results in any order and grouping', () => {
    const rand = lcg(7);
    const randomValue = (): string => {
      const scale = Math.floor(rand() * 5);
      const digits = Array.from({ length: 1 + Math.floor(rand() * (rand() < 0.1 ? 40 : 6)) }, () =>
        Math.floor(rand() * 10),
      ).join('');
      const body = scale === 0 ? digits : `${digits}.${String(Math.floor(rand() * 10 ** scale)).padStart(scale, '0')}`;
      return rand() < 0.3 ? `-${body}` : body;
    };
    for (let round = 0; round < 100; round++) {
      const values = Array.from({ length: 1 + Math.floor(rand() * 40) }, randomValue);
      const expected = JSON.stringify(aggregateOf(values));
      for (let trial = 0; trial < 5; trial++) {
        // split into random contiguous partials after a random shuffle
        const shuffled = [...values];
        for (let i = shuffled.length - 1; i > 0; i--) {
          const j = Math.floor(rand() * (i + 1));
          [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
        }
        const partials: Aggregate[] = [];
        let start = 0;
        while (start < shuffled.length) {
          const end = start + 1 + Math.floor(rand() * 5);
          partials.push(aggregateOf(shuffled.slice(start, end)));
          start = end;
        }
        // merge by randomly picking two partials until one remains (random tree, random operand order)
        while (partials.length > 1) {
          const i = Math.floor(rand() * partials.length);
          const [x] = partials.splice(i, 1);
          const j = Math.floor(rand() * partials.length);
          partials[j] = rand() < 0.5 ? mergeAggregates(x, partials[j]) : mergeAggregates(partials[j], x);
        }
        expect(JSON.stringify(partials[0])).toBe(expected);
      }
    }
  });

  it('is associative and commutative on triples', () => {
    const rand = lcg(99);
    const pool = ['0', '-0.000', '1.000', '1', '-5.5', '123456789012345678901234567890.12', '0.0001', '-0.00010'];
    for (let i = 0; i < 300; i++) {
      const pick = (): Aggregate =>
        aggregateOf(Array.from({ length: Math.floor(rand() * 3) }, () => pool[Math.floor(rand() * pool.length)]));
      const [a, b, c] = [pick(), pick(), pick()];
      expect(mergeAggregates(a, b)).toEqual(mergeAggregates(b, a));
      expect(mergeAggregates(mergeAggregates(a, b), c)).toEqual(mergeAggregates(a, mergeAggregates(b, c)));
    }
  });

  it('rejects inconsistent aggregates', () => {
    expect(() => checkAggregate({ sum: '1', count: 0, min: '', max: '' })).toThrow(/no values/);
    expect(() => checkAggregate({ sum: '0', count: 0, min: '1', max: '1' })).toThrow(/no values/);
    expect(() => checkAggregate({ sum: '1', count: -1, min: '1', max: '1' })).toThrow(/count/);
    expect(() => checkAggregate({ sum: '1', count: 1.5, min: '1', max: '1' })).toThrow(/count/);
    expect(() => checkAggregate({ sum: '3', count: 2, min: '2', max: '1' })).toThrow(/min is greater/);
    expect(() => checkAggregate({ sum: '3', count: 2, min: '', max: '1' })).toThrow(/not a decimal/);
    expect(() =>
      mergeAggregates(
        { sum: '1', count: Number.MAX_SAFE_INTEGER, min: '1', max: '1' },
        { sum: '1', count: 1, min: '1', max: '1' },
      ),
    ).toThrow(/overflow/);
  });
});

describe('average', () => {
  it('divides exactly and rounds half to even', () => {
    expect(average(aggregateOf(['1', '2']))).toBe('1.500000');
    expect(average(aggregateOf(['1', '2']), 0)).toBe('2'); // 1.5 → 2
    expect(average(aggregateOf(['0.5']), 0)).toBe('0'); // 0.5 → 0
    expect(average(aggregateOf(['2.5']), 0)).toBe('2');
    expect(average(aggregateOf(['-2.5']), 0)).toBe('-2');
    expect(average(aggregateOf(['-3.5']), 0)).toBe('-4');
    expect(average(aggregateOf(['1', '1', '2']), 4)).toBe('1.3333');
    expect(average(aggregateOf(['1', '2', '2']), 4)).toBe('1.6667');
    expect(average(aggregateOf(['-1', '-2', '-2']), 4)).toBe('-1.6667');
    expect(average(aggregateOf(['0.001', '-0.002']), 2)).toBe('0.00'); // -0.0005 → 0, never "-0.00"
    expect(average(aggregateOf(['1.23456789']), 3)).toBe('1.235');
    expect(average(aggregateOf(['123456789012345678901234567890', '0']), 1)).toBe('61728394506172839450617283945.0');
  });

  it('rejects empty aggregates and bad precision', () => {
    expect(() => average(emptyAggregate())).toThrow(/empty/);
    expect(() => average(aggregateOf(['1']), -1)).toThrow(/decimals/);
    expect(() => average(aggregateOf(['1']), 1.5)).toThrow(/decimals/);
    expect(() => average(aggregateOf(['1']), 101)).toThrow(/decimals/);
  });
});
