/** lab/model/units.ts: human units in, base units out; and back, for messages and tc. */
import { formatDuration, formatRate, formatSize, parseDuration, parsePercent, parseRate, parseSize, rateToTc } from '../model/units';

describe('parseSize', () => {
  test.each([
    ['2.5GB', 2_500_000_000],
    ['200MB', 200_000_000],
    ['1GiB', 1024 ** 3],
    ['512 MiB', 512 * 1024 ** 2],
    ['1kb', 1000],
    ['.5GB', 500_000_000],
    [4096, 4096],
  ])('%p → %p bytes', (input, bytes) => expect(parseSize(input)).toBe(bytes));
  test.each(['2.5 gigabytes', '-1GB', '', 'GB', '1e9'])('rejects %p', (input) => {
    expect(() => parseSize(input)).toThrow(/expected a size such as 2.5GB or 512MiB/);
  });
  test('a fractional bare number is not bytes', () => expect(() => parseSize(1.5)).toThrow('bare number 1.5'));
  test('a list is described as such', () => expect(() => parseSize([1])).toThrow('got a list'));
});

describe('parseRate', () => {
  test.each([
    ['1gbit', 1e9],
    ['100mbit', 1e8],
    ['1.5Gbit', 1.5e9],
    ['64kbit', 64e3],
    ['800bit', 800],
  ])('%p → %p bit/s', (input, bps) => expect(parseRate(input)).toBe(bps));
  test('1gb is a size, not a rate', () => expect(() => parseRate('1gb')).toThrow('expected a rate such as 1gbit or 100mbit (units: bit, kbit, mbit, gbit, tbit), got "1gb"'));
  test('a bare number has no unit', () => expect(() => parseRate(1000)).toThrow('got the bare number 1000'));
  test('mbps is not a tc unit', () => expect(() => parseRate('100mbps')).toThrow('got "100mbps"'));
});

describe('parseDuration', () => {
  test.each([
    ['30ms', 30],
    ['3s', 3000],
    ['1.5s', 1500],
    ['250us', 0.25],
    ['2m', 120_000],
    ['1h', 3_600_000],
  ])('%p → %p ms', (input, ms) => expect(parseDuration(input)).toBe(ms));
  test('"3 seconds" is not a unit', () => expect(() => parseDuration('3 seconds')).toThrow('got "3 seconds"'));
  test('a bare number has no unit', () => expect(() => parseDuration(5)).toThrow('got the bare number 5'));
});

describe('parsePercent', () => {
  test.each([
    ['1%', 1],
    ['0.5%', 0.5],
    ['100%', 100],
    ['0%', 0],
  ])('%p → %p', (input, pct) => expect(parsePercent(input)).toBe(pct));
  test('above 100%', () => expect(() => parsePercent('150%')).toThrow('at most 100%'));
  test('a bare number', () => expect(() => parsePercent(1)).toThrow('bare number 1'));
  test('without the sign', () => expect(() => parsePercent('1')).toThrow('expected a percentage such as 1% or 0.5%, got "1"'));
});

describe('formatting', () => {
  test('formatRate', () => {
    expect([1.87e9, 940e6, 64e3, 12].map(formatRate)).toEqual(['1.87 Gbit/s', '940.0 Mbit/s', '64.0 kbit/s', '12 bit/s']);
  });
  test('formatSize', () => {
    expect([2.5e9, 200e6, 1500, 12].map(formatSize)).toEqual(['2.50 GB', '200.0 MB', '1.5 kB', '12 B']);
  });
  test('formatDuration', () => {
    expect([1234, 80, 1000].map(formatDuration)).toEqual(['1.23 s', '80 ms', '1.00 s']);
  });
  test('rateToTc is exact: no floats reach tc', () => {
    expect([1e9, 1.5e9, 100e6, 64e3, 1234, 999_999_999.6].map(rateToTc)).toEqual(['1gbit', '1500mbit', '100mbit', '64kbit', '1234bit', '1gbit']);
  });
});

describe('whole units and rendering (issue 9, item 15)', () => {
  test('a rate is a whole number of bits per second', () => {
    expect(() => parseRate('0.4bit')).toThrow('a rate is a whole number of bits per second: "0.4bit" is 0.4 bit/s');
    expect(() => parseRate('1.5bit')).toThrow('whole number of bits');
  });
  test('float noise is not a fraction: 1.1kbit is 1100 bit/s, 1.1s is 1100 ms', () => {
    expect(parseRate('1.1kbit')).toBe(1100);
    expect(parseRate('0.3gbit')).toBe(300e6);
    expect(parseDuration('1.1s')).toBe(1100);
    expect(parseDuration('0.5us')).toBe(0.0005);
  });
  test('rateToTc never writes 0 as 0gbit', () => {
    expect([0, 0.4].map(rateToTc)).toEqual(['0bit', '0bit']);
  });
  test('a rounded figure moves up a unit instead of showing 1000.0', () => {
    expect([999.96e6, 999.6, 0.4, 0].map(formatRate)).toEqual(['1.00 Gbit/s', '1.0 kbit/s', '0.40 bit/s', '0 bit/s']);
    expect([999.96e6, 999_960].map(formatSize)).toEqual(['1.00 GB', '1.0 MB']);
  });
});
