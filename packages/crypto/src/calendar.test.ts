import { civilFromDays, daysFromCivil, daysInMonth, formatUtcMillis, isLeapYear } from './calendar';

describe('calendar', () => {
  it('knows leap years and month lengths', () => {
    expect([1900, 2000, 2023, 2024, 2100, 2400].map(isLeapYear)).toEqual([false, true, false, true, false, true]);
    expect(daysInMonth(2024, 2)).toBe(29);
    expect(daysInMonth(1900, 2)).toBe(28);
    expect([1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12].map((m) => daysInMonth(2021, m))).toEqual([31, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]);
  });

  it('converts days to dates and back, agreeing with Date', () => {
    for (let days = -800_000; days < 3_000_000; days += 997) {
      const { year, month, day } = civilFromDays(days);
      expect(daysFromCivil(year, month, day)).toBe(days);
      if (year >= 1000 && year <= 9999) expect(new Date(days * 86_400_000).toISOString().slice(0, 10)).toBe(`${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`);
    }
  });

  it('formats epoch milliseconds like toISOString, inside years 0000-9999', () => {
    expect(formatUtcMillis(0)).toBe('1970-01-01T00:00:00.000Z');
    expect(formatUtcMillis(Date.UTC(2024, 1, 29, 23, 59, 59, 999))).toBe('2024-02-29T23:59:59.999Z');
    expect(() => formatUtcMillis(Date.UTC(10000, 0, 1))).toThrow(RangeError);
    expect(() => formatUtcMillis(0.5)).toThrow(RangeError);
  });
});
