import { describe, expect, it } from 'vitest';
import { readQuotesCsv, readVolumesCsv } from '../../src/pricing/csv.js';

const csv = (s: string) => Buffer.from(s);

describe('quote CSV reader', () => {
  it('groups and sorts series, tolerating extra columns and any carrier code', () => {
    const series = readQuotesCsv(csv('date,carrier,denomination,price,source\n2024-01-02,cmcc,100,95.5,x\n2024-01-01,cmcc,100,95.4,x\n2024-01-01,acme,25,24.1,y\n'));
    expect(series).toHaveLength(2);
    const s = series.find((x) => x.key === 'cmcc:100')!;
    expect(s.dates).toEqual(['2024-01-01', '2024-01-02']);
    expect(s.prices).toEqual([95.4, 95.5]);
  });

  it.each([
    ['date,carrier,denomination,price\n2024-13-01,cmcc,100,95\n', /line 2: bad date/],
    ['date,carrier,denomination,price\n2024-02-30,cmcc,100,95\n', /bad date/],
    ['date,carrier,denomination,price\n01/02/2024,cmcc,100,95\n', /bad date/],
    ['date,carrier,denomination,price\n2024-01-01,cmcc,100,0\n', /price must be a positive number/],
    ['date,carrier,denomination,price\n2024-01-01,cmcc,100,-3\n', /positive/],
    ['date,carrier,denomination,price\n2024-01-01,cmcc,100,abc\n', /positive/],
    ['date,carrier,denomination,price\n2024-01-01,cmcc,100,\n', /positive/],
    ['date,carrier,denomination,price\n2024-01-01,cmcc,-5,4\n', /bad denomination/],
    ['date,carrier,price\n2024-01-01,cmcc,95\n', /missing column\(s\) denomination/],
    ['date,carrier,denomination,price\n2024-01-01,cmcc,100,95\n2024-01-01,cmcc,100,96\n', /duplicate date 2024-01-01 in series cmcc:100/],
    ['date,carrier,denomination,price\n', /no data rows/],
  ])('rejects %j', (text, message) => {
    expect(() => readQuotesCsv(csv(text))).toThrow(message);
    try {
      readQuotesCsv(csv(text));
    } catch (e) {
      expect((e as { code?: string }).code).toBe('invalid_csv');
    }
  });

  it('reads volumes, allowing zero', () => {
    const v = readVolumesCsv(csv('date,carrier,denomination,volume\n2024-01-01,cmcc,100,0\n2024-01-02,cmcc,100,12\n'));
    expect(v[0].volumes).toEqual([0, 12]);
  });
});
