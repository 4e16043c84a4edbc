import { readFileSync } from 'node:fs';
import { inflateSync } from 'node:zlib';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { CleanBar, QualityIssueRecord } from '@md/contracts';
import { DBB_MINUTE_FILE, fixturePath } from '@md/fixtures';
import { parseTimestamp } from '@md/market';
import { barMonths, ensureMonthlyPartitions, upsertBars, upsertQualityIssues } from '@md/storage';
import { finishSliceRun, httpJson, prepareSliceRun, startService, stopService, waitReady, type RunningService, type SliceRun } from '@md/testing';

// Integration: the writer's HTML quality report (GET /v1/quality/report?format=html) opened in
// headless Chromium (Debian's /usr/bin/chromium driven by playwright-core). Two weeks of real DBB
// minutes (1-12 July 2024: the 3 July early close, the 4 July holiday) and planted findings
// are stored for a symbol of the run's own in the writer's schema on the local PostgreSQL.

const CHROMIUM = '/usr/bin/chromium';
const us = (iso: string) => Date.parse(iso) * 1000;
const GAP = { from: '2024-07-09T14:00:00Z', to: '2024-07-09T14:45:00Z' };
const SPIKE = '2024-07-10T14:14:00Z';
const XSS = '<script>window.__xss = 1</script><img src=x onerror="window.__xss = 1">';

function fileBars(symbol: string): CleanBar[] {
  const bars = new Map<number, CleanBar>();
  for (const line of readFileSync(fixturePath(DBB_MINUTE_FILE), 'utf8').trim().split(/\r?\n/).slice(1)) {
    if (line < '2024-07-01' || line >= '2024-07-13') continue;
    const [ts, open, high, low, close, volume] = line.split(',');
    const eventTime = parseTimestamp(ts, 'UTC');
    if (eventTime >= us(GAP.from) && eventTime < us(GAP.to)) continue;
    bars.set(eventTime, {
      symbol, timeframe: '1m', provider: 'test', eventTime, ingestTime: eventTime, open, high, low, close, volume: Number(volume), tradeCount: null, vwap: null,
      revision: 0, session: 'REGULAR', splitFactor: 1, dividendFactor: 1, generation: 0,
    });
  }
  return [...bars.values()];
}

const TRADING_DAYS = ['01', '02', '03', '05', '08', '09', '10', '11', '12'].map((d) => `2024-07-${d}`);

function issues(symbol: string): QualityIssueRecord[] {
  const issue = (type: string, severity: QualityIssueRecord['severity'], from: string, to: string, evidence: object): QualityIssueRecord => ({
    type, severity, symbol, timeframe: '1m', windowStart: us(from), windowEnd: us(to), evidence: JSON.stringify(evidence), detectedAt: us(to), availableTime: us(to), generation: 0,
  });
  const completeness = TRADING_DAYS.map((date) => {
    const expected = date === '2024-07-03' ? 210 : 390;
    const missing = date === '2024-07-09' ? 45 : 0;
    // Window: the New York day, midnight (04:00Z in July) to midnight, as the monitor publishes it.
    return issue('completeness', missing ? 'WARNING' : 'INFO', `${date}T04:00:00Z`, new Date(Date.parse(`${date}T04:00:00Z`) + 86_400_000).toISOString(),
      { date, expectedMinutes: expected, missingMinutes: missing, observedMinutes: expected - missing, ratio: 1 - missing / expected });
  });
  return [
    ...completeness,
    issue('missing_bars', 'WARNING', GAP.from, GAP.to, { missingMinutes: 45 }),
    issue('price_outlier', 'WARNING', SPIKE, '2024-07-10T14:15:00Z', { sigmas: 20, note: XSS }),
    issue('volume_anomaly', 'INFO', '2024-07-11T15:00:00Z', '2024-07-11T15:15:00Z', { sigmas: 4.2 }),
  ];
}

/** Pixels of an 8-bit RGB or RGBA PNG (what Chromium's screenshots are) that are not near-white. */
function inkShare(png: Buffer): number {
  let offset = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const data: Buffer[] = [];
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('ascii', offset + 4, offset + 8);
    const body = png.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      [width, height] = [body.readUInt32BE(0), body.readUInt32BE(4)];
      if (body[8] !== 8 || (body[9] !== 2 && body[9] !== 6) || body[12] !== 0) throw new Error(`unexpected PNG: depth ${body[8]}, colour type ${body[9]}, interlace ${body[12]}`);
      channels = body[9] === 6 ? 4 : 3;
    } else if (type === 'IDAT') data.push(body);
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(data));
  const stride = width * channels;
  const pixels = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    for (let x = 0; x < stride; x++) {
      const value = raw[y * (stride + 1) + 1 + x];
      const a = x >= channels ? pixels[y * stride + x - channels] : 0;
      const b = y > 0 ? pixels[(y - 1) * stride + x] : 0;
      const c = x >= channels && y > 0 ? pixels[(y - 1) * stride + x - channels] : 0;
      const p = a + b - c;
      const paeth = Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c;
      const predictor = [0, a, b, (a + b) >> 1, paeth][filter];
      if (predictor === undefined) throw new Error(`unknown PNG filter ${filter}`);
      pixels[y * stride + x] = (value + predictor) & 0xff;
    }
  }
  let ink = 0;
  for (let i = 0; i < pixels.length; i += channels) if (pixels[i] < 235 || pixels[i + 1] < 235 || pixels[i + 2] < 235) ink += 1;
  return ink / (width * height);
}

describe('quality report in a browser (integration)', () => {
  let slice: SliceRun;
  let writer: RunningService;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];
  const requests: string[] = [];
  const failed: string[] = [];
  let url: string;

  beforeAll(async () => {
    slice = await prepareSliceRun('H');
    writer = await startService('timescale-writer', { ...slice.writerEnv, MAX_QUERY_ROWS: '1000' }, `test-${slice.run}-writer`);
    await waitReady(writer);
    const bars = fileBars(slice.run);
    await ensureMonthlyPartitions(slice.db, slice.schema, 'bars', barMonths(bars));
    await upsertBars(slice.db, bars, slice.schema);
    await upsertQualityIssues(slice.db, issues(slice.run), slice.schema);
    try {
      browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    } catch (err) {
      // Not a skip: the report's rendering is what this test is for.
      throw new Error(`headless Chromium (${CHROMIUM}) did not start, so the report cannot be checked in a browser: ${(err as Error).message}`);
    }
    page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    page.on('request', (r) => requests.push(r.url()));
    page.on('requestfailed', (r) => failed.push(`${r.url()}: ${r.failure()?.errorText}`));
    // From the first bar (as the quick start asked before) to the UTC midnight after the last day.
    url = `http://127.0.0.1:${writer.port}/v1/quality/report?from=2024-07-01T13:30:00Z&to=2024-07-13T00:00:00Z&symbols=${slice.run}&format=html`;
    const response = await page.goto(url, { waitUntil: 'load', timeout: 30_000 });
    expect(response?.status()).toBe(200);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    if (writer) await stopService(writer);
    await finishSliceRun(slice);
  });

  it('loads with no console error and no request but the page itself', async () => {
    expect(consoleErrors).toEqual([]);
    expect(failed).toEqual([]);
    expect(requests).toEqual([url]);
    // The evidence's markup is text, not a script or an image.
    expect(await page.evaluate(() => (globalThis as { __xss?: number }).__xss)).toBeUndefined();
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.getByText('window.__xss = 1', { exact: false }).count()).toBeGreaterThan(0);
  });

  it('heads the report with the days of data, the first day included and no day after the last', async () => {
    expect(await page.locator('h1').textContent()).toBe('Data quality 2024-07-01 .. 2024-07-12');
    expect(await page.locator('#summary').textContent()).toContain('9 symbol-days scored, 2024-07-01 .. 2024-07-12');
    expect(await page.locator('#summary table.types').textContent()).toMatch(/missing_bars\s*1/);
  });

  it('draws a calendar cell per day, the 9 scored ones coloured, each with a tooltip', async () => {
    const heatmap = page.locator('svg.heatmap');
    expect(await heatmap.count()).toBe(1);
    expect(await heatmap.locator('rect.day').count()).toBe(12);
    expect(await heatmap.locator('rect.day.scored').count()).toBe(9);
    expect(await heatmap.locator('rect.day[data-date="2024-07-01"]').getAttribute('class')).toBe('day scored');
    expect(await heatmap.locator('rect.day[data-date="2024-07-09"] title').textContent()).toBe(`${slice.run} 2024-07-09: 88.46% complete (345 / 390 minutes)`);
  });

  it('draws the findings per week, stacked by type', async () => {
    const chart = page.locator('svg.issues-chart');
    expect(await chart.locator('g.bucket').count()).toBe(2);
    expect(await chart.locator('g.bucket[data-bucket="2024-07-08"] rect.seg').count()).toBe(3);
  });

  it('draws a price chart for each day with findings, the flagged bar marked', async () => {
    const charts = page.locator('svg.price-chart');
    expect(await charts.count()).toBe(3);
    const spikeDay = charts.filter({ hasText: '2024-07-10' });
    expect(await spikeDay.locator('circle.flag').count()).toBe(1);
    expect((await spikeDay.locator('polyline.close').getAttribute('points'))!.split(' ').length).toBeGreaterThan(20);
  });

  it('renders every chart with drawn content on screen', async () => {
    const shares: Record<string, number> = {};
    for (const [name, locator] of [['heatmap', page.locator('svg.heatmap g.cells')], ['issues', page.locator('svg.issues-chart')], ['price', page.locator('svg.price-chart').first()]] as const) {
      const box = await locator.boundingBox();
      expect(box && box.width > 20 && box.height > 50).toBe(true);
      shares[name] = inkShare(await locator.screenshot());
    }
    // Share of non-white pixels, measured 0.50 (the calendar's cells), 0.10 (findings) and 0.10
    // (a day's closes); a blank chart, or cells drawn without their colour, is 0 here.
    expect(shares.heatmap).toBeGreaterThan(0.25);
    expect(shares.issues).toBeGreaterThan(0.04);
    expect(shares.price).toBeGreaterThan(0.05);
  });

  it('serves the same days as JSON', async () => {
    const { body } = await httpJson(writer.port, `/v1/quality/report?from=2024-07-01T13:30:00Z&to=2024-07-13T00:00:00Z&symbols=${slice.run}`);
    expect(body.window).toMatchObject({ firstDay: '2024-07-01', lastDay: '2024-07-12' });
    expect(body.completeness.map((d: { date: string }) => d.date)).toEqual(TRADING_DAYS);
  });
});
