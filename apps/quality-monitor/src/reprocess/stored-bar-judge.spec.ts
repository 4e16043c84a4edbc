import type { CleanBar } from '@md/contracts';
import { cleanBar, newYorkClock } from '@md/market';
import { CleanBarChecks, RawBarChecks, qualityStream, type QualityChecksConfig } from '@md/quality';
import { dbbRows, rowsToRawBars } from '@md/testing';
import { cleanBarFindings } from '../findings';
import { judgeStoredBars, type Finding } from './stored-bar-judge';

const CHECKS: QualityChecksConfig = { missing: { quietGapMinutes: 5 }, outlier: {}, volume: {}, duplicate: {}, zone: {}, providers: {} };
const FROM = Date.UTC(2024, 3, 8) * 1000;
const TO = Date.UTC(2024, 3, 11) * 1000; // 2024-04-10 20:00 New York: the findings of 04-10's close come with 04-11's first bar
// Real DBB minutes, 2024-04-01..12 (UTC dates), as stored.
const bars: CleanBar[] = rowsToRawBars(dbbRows('2024-04-01', '2024-04-12'), 'DBB').map((b) => cleanBar(b));

/** The bars in pages of 100, counting what was read. */
function pages(read: { bars: number }): AsyncIterable<CleanBar[]> {
  return (async function* () {
    for (let i = 0; i < bars.length; i += 100) {
      const page = bars.slice(i, i + 100);
      read.bars += page.length;
      yield page;
    }
  })();
}

async function collect(findings: AsyncIterable<Finding>): Promise<Finding[]> {
  const out: Finding[] = [];
  for await (const f of findings) out.push(f);
  return out;
}

describe('judgeStoredBars', () => {
  it('yields what checks fed every bar find with windows starting in [from, to), and reads no further than the next day', async () => {
    const read = { bars: 0 };
    const found = await collect(judgeStoredBars(pages(read), CHECKS, 'DBB', '1m', FROM, TO));
    const raw = RawBarChecks.fromJSON(qualityStream('DBB', '1m'), CHECKS);
    const clean = CleanBarChecks.fromJSON(qualityStream('DBB', '1m'), CHECKS);
    const all = bars.flatMap((b) => [...raw.observe(b), ...cleanBarFindings(clean, b)].map((issue) => ({ issue, availableTime: b.eventTime + 60_000_000 })));
    const expected = all.filter((f) => f.issue.windowStartUs >= FROM && f.issue.windowStartUs < TO);
    expect(found).toEqual(expected);
    // 04-10 is scored only when 04-11's first bar arrives, after `to`.
    const lastDay = found.find((f) => f.issue.type === 'completeness' && f.issue.evidence.date === '2024-04-10');
    expect(lastDay?.availableTime).toBeGreaterThan(TO);
    const firstOfNextDay = bars.findIndex((b) => newYorkClock(b.eventTime).date === '2024-04-11');
    expect(read.bars).toBeLessThan(bars.length);
    expect(read.bars).toBeGreaterThan(firstOfNextDay);
  });

  it('starts each provider its own clean stream: two interleaved feeds make no gaps of each other', async () => {
    const day = bars.filter((b) => newYorkClock(b.eventTime).date >= '2024-04-08' && newYorkClock(b.eventTime).date <= '2024-04-11');
    const mixed = day.flatMap((b) => [b, { ...b, provider: 'other' }]);
    const one = await collect(judgeStoredBars((async function* () { yield day; })(), CHECKS, 'DBB', '1m', FROM, TO));
    const two = await collect(judgeStoredBars((async function* () { yield mixed; })(), CHECKS, 'DBB', '1m', FROM, TO));
    const gaps = (fs: Finding[]) => fs.filter((f) => f.issue.type === 'missing_bars').length;
    expect(gaps(one)).toBeGreaterThan(0);
    expect(gaps(two)).toBe(2 * gaps(one));
  });
});
