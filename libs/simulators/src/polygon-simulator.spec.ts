import { WebSocket } from 'ws';
import { waitFor } from '@md/testing';
import { PolygonSimulator, type PolygonSimulatorOptions } from './polygon-simulator';
import { dbbMinuteBars, type MinuteBar } from './minute-csv';
import { minuteEvents } from './polygon-events';
import { withLateTrade } from './polygon-aggregates';

const KEY = 'sim-polygon-key';
const bars = dbbMinuteBars().slice(0, 120);

interface TestClient {
  ws: WebSocket;
  events: Array<Record<string, unknown>>;
  closeCode: Promise<number>;
}

async function connect(url: string): Promise<TestClient> {
  const ws = new WebSocket(url);
  const events: Array<Record<string, unknown>> = [];
  ws.on('message', (data) => {
    try {
      events.push(...JSON.parse(data.toString()));
    } catch {
      events.push({ ev: 'unparseable', text: data.toString() });
    }
  });
  const closeCode = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  return { ws, events, closeCode };
}

const statuses = (c: TestClient) => c.events.filter((e) => e.ev === 'status').map((e) => e.status);
const minutes = (c: TestClient) => c.events.filter((e) => e.ev === 'AM').map((e) => e.s);

describe('Polygon simulator, WebSocket', () => {
  let sim: PolygonSimulator;
  const clients: TestClient[] = [];
  const start = async (options: Partial<PolygonSimulatorOptions> = {}) =>
    (sim = await PolygonSimulator.start({ apiKey: KEY, stream: minuteEvents('DBB', bars), eventsPerFrame: 25, ...options }));
  const open = async () => {
    const c = await connect(sim.wsUrl);
    clients.push(c);
    return c;
  };
  const session = async () => {
    const c = await open();
    c.ws.send(JSON.stringify({ action: 'auth', params: KEY }));
    await waitFor('auth_success', () => statuses(c).includes('auth_success'), 5000, 10);
    c.ws.send(JSON.stringify({ action: 'subscribe', params: 'AM.DBB' }));
    return c;
  };
  afterEach(async () => {
    clients.splice(0).forEach((c) => c.ws.terminate());
    await sim?.stop();
  });

  it('greets, authenticates, acknowledges each channel and plays the recording in batched frames', async () => {
    await start();
    const c = await session();
    await waitFor('every bar', () => minutes(c).length === bars.length, 5000, 10);
    expect(statuses(c)).toEqual(['connected', 'auth_success', 'success']);
    expect(c.events.find((e) => e.status === 'success')?.message).toBe('subscribed to: AM.DBB');
    expect(minutes(c)).toEqual(bars.map((b) => b.t));
    expect(sim.stats.frames).toBe(Math.ceil(bars.length / 25));
  });

  it('answers a wrong key with auth_failed and closes the connection', async () => {
    await start();
    const c = await open();
    c.ws.send(JSON.stringify({ action: 'auth', params: 'wrong' }));
    expect(await c.closeCode).toBe(1008);
    expect(statuses(c)).toEqual(['connected', 'auth_failed']);
  });

  it('refuses a connection beyond the limit with max_connections', async () => {
    await start();
    await open();
    const second = await open();
    expect(await second.closeCode).toBe(1008);
    expect(statuses(second)).toEqual(['max_connections']);
  });

  it('drops after a given frame without a close frame, and resumes for the next subscriber where it stopped', async () => {
    await start({ faults: { dropAfterFrames: [2] } });
    const first = await session();
    expect(await first.closeCode).toBe(1006);
    expect(minutes(first)).toEqual(bars.slice(0, 50).map((b) => b.t));
    const second = await session();
    await waitFor('the rest', () => minutes(second).length === bars.length - 50, 5000, 10);
    expect(minutes(second)[0]).toBe(bars[50].t);
  });

  it('goes silent: no data and no pong, the socket left open', async () => {
    await start({ frameIntervalMs: 20 });
    const c = await session();
    await waitFor('a first frame', () => minutes(c).length > 0, 5000, 10);
    sim.goSilent();
    const seen = c.events.length;
    let ponged = false;
    c.ws.on('pong', () => (ponged = true));
    c.ws.ping();
    await new Promise((r) => setTimeout(r, 200));
    expect([ponged, c.events.length - seen <= 25, c.ws.readyState]).toEqual([false, true, WebSocket.OPEN]);
  });

  it('goes silent but keeps answering pings: a socket that looks alive and streams nothing', async () => {
    await start({ frameIntervalMs: 20 });
    const c = await session();
    await waitFor('a first frame', () => minutes(c).length > 0, 5000, 10);
    sim.goSilent({ pongs: true });
    const seen = minutes(c).length;
    const ponged = new Promise((resolve) => c.ws.once('pong', resolve));
    c.ws.ping();
    await ponged;
    expect(minutes(c).length - seen).toBeLessThanOrEqual(25);
    expect(sim.played).toBeLessThan(bars.length);
  });

  it('refuses the next connection with max_connections even with the slot free', async () => {
    await start();
    sim.refuseNext();
    const refused = await open();
    expect(await refused.closeCode).toBe(1008);
    expect(statuses(refused)).toEqual(['max_connections']);
    const next = await session();
    await waitFor('every bar', () => minutes(next).length === bars.length, 5000, 10);
    expect(sim.stats.refused).toBe(1);
  });

  it('sends an injected frame as is, in order', async () => {
    await start({ stream: minuteEvents('DBB', bars.slice(0, 2)) });
    sim.injectFrame('{not json');
    const c = await open();
    c.ws.send(JSON.stringify({ action: 'auth', params: KEY }));
    c.ws.send(JSON.stringify({ action: 'subscribe', params: 'AM.*' }));
    await waitFor('both bars', () => minutes(c).length === 2, 5000, 10);
    expect(c.events.map((e) => e.ev)).toEqual(['status', 'status', 'status', 'unparseable', 'AM', 'AM']);
    expect(c.events[3].text).toBe('{not json');
  });
});

describe('Polygon simulator, live clock', () => {
  let sim: PolygonSimulator;
  const clients: TestClient[] = [];
  afterEach(async () => {
    clients.splice(0).forEach((c) => c.ws.terminate());
    await sim?.stop();
  });

  async function subscribed(channels: string): Promise<TestClient> {
    const c = await connect(sim.wsUrl);
    clients.push(c);
    c.ws.send(JSON.stringify({ action: 'auth', params: KEY }));
    c.ws.send(JSON.stringify({ action: 'subscribe', params: channels }));
    await waitFor('the subscription', () => statuses(c).includes('success'), 5000, 10);
    return c;
  }

  it('moves on whether or not anyone listens: an absent client misses events, and REST knows what was emitted', async () => {
    const stream = [...minuteEvents('AAA', bars.slice(0, 30)), ...minuteEvents('BBB', bars.slice(0, 30))].sort((a, b) => Number(a.s) - Number(b.s));
    sim = await PolygonSimulator.start({ apiKey: KEY, clock: 'live', stream, eventsPerFrame: 4 });
    expect(sim.emitNext(10)).toBe(10); // nobody there yet
    const c = await subscribed('AM.AAA');
    sim.emitNext(20);
    await waitFor('AAA of the second batch', () => minutes(c).length === 10, 5000, 10);
    sim.dropConnections();
    sim.emitNext(10);
    expect(await c.closeCode).toBe(1006);
    expect(minutes(c)).toEqual(bars.slice(5, 15).map((b) => b.t));
    expect(sim.stats).toMatchObject({ events: 40, missed: 30, frames: 3 + 5 + 3 });

    const res = await fetch(`${sim.restUrl}/v2/aggs/ticker/AAA/range/1/minute/0/${Date.now()}?adjusted=false&sort=asc&limit=50000`, { headers: { authorization: `Bearer ${KEY}` } });
    const body = (await res.json()) as { results: Array<{ t: number; o: number }> };
    expect(body.results.map((r) => r.t)).toEqual(bars.slice(0, 20).map((b) => b.t));
    expect(body.results[0].o).toBe(bars[0].o);
  });

  it('drops after a given frame of the live clock, and emits nothing by itself', async () => {
    sim = await PolygonSimulator.start({ apiKey: KEY, clock: 'live', stream: minuteEvents('DBB', bars), eventsPerFrame: 10, faults: { dropAfterFrames: [2] } });
    const c = await subscribed('AM.DBB');
    sim.emitNext(30);
    expect(await c.closeCode).toBe(1006);
    expect(minutes(c)).toEqual(bars.slice(0, 20).map((b) => b.t));
    expect([sim.played, sim.stats.missed]).toEqual([30, 10]);
  });

  it('refuses emitNext() on the replay clock, where playback follows the subscriber', async () => {
    sim = await PolygonSimulator.start({ apiKey: KEY, stream: minuteEvents('DBB', bars) });
    expect(() => sim.emitNext(1)).toThrow('emitNext() needs the live clock (clock: "live")');
  });
});

describe('Polygon simulator, aggregates REST', () => {
  let sim: PolygonSimulator;
  afterEach(() => sim?.stop());

  async function get(url: string, headers: Record<string, string> = {}) {
    const res = await fetch(url, { headers });
    return { status: res.status, body: (await res.json()) as { results?: Array<{ t: number }>; next_url?: string; error?: string; resultsCount: number } };
  }

  it('pages a New York day by next_url, the key sent again each time, nothing lost or repeated', async () => {
    sim = await PolygonSimulator.start({ apiKey: KEY });
    const times: number[] = [];
    let url: string | undefined = `${sim.restUrl}/v2/aggs/ticker/DBB/range/1/minute/2023-07-10/2023-07-10?adjusted=false&sort=asc&limit=20`;
    for (let pages = 0; url; pages++) {
      const { body } = await get(`${url}${url.includes('?') ? '&' : '?'}apiKey=${KEY}`);
      times.push(...(body.results ?? []).map((r) => r.t));
      url = body.next_url;
      expect(pages).toBeLessThan(20);
    }
    const day = dbbMinuteBars().filter((b) => b.t >= Date.UTC(2023, 6, 10, 4) && b.t < Date.UTC(2023, 6, 11, 4)).map((b) => b.t);
    expect(times).toEqual(day);
    expect(times.length).toBeGreaterThan(40);
  });

  it('answers every Nth request with 500 when told to', async () => {
    sim = await PolygonSimulator.start({ apiKey: KEY, faults: { serverErrorEvery: 2 } });
    const path = `${sim.restUrl}/v2/aggs/ticker/DBB/range/1/minute/1688995800000/1688995860000`;
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await get(path, { authorization: `Bearer ${KEY}` })).status);
    expect(statuses).toEqual([200, 500, 200, 500]);
  });

  it('takes the key as a Bearer token, and answers 401, 429 and 400 as Polygon does', async () => {
    sim = await PolygonSimulator.start({ apiKey: KEY, faults: { rateLimitEvery: 2 } });
    const path = `${sim.restUrl}/v2/aggs/ticker/DBB/range/1/minute/1688995800000/1688995860000`;
    expect((await get(path, { authorization: `Bearer ${KEY}` })).body.resultsCount).toBe(1);
    expect((await get(`${path}?apiKey=${KEY}`)).status).toBe(429);
    expect((await get(`${path}?apiKey=nope`)).body).toMatchObject({ status: 'ERROR', error: 'Unknown API Key' });
    expect((await get(path.replace('/1/minute/', '/5/minute/'), { authorization: `Bearer ${KEY}` })).status).toBe(400);
  });

  it('serves REST bars that differ from the recording for the minutes the discrepancy fault revises', async () => {
    sim = await PolygonSimulator.start({ apiKey: KEY });
    const path = `${sim.restUrl}/v2/aggs/ticker/DBB/range/1/minute/1688995800000/1688995919999`;
    const [first, second] = (await get(path, { authorization: `Bearer ${KEY}` })).body.results as MinuteBar[];
    sim.faults.revise = (ticker, b) => (ticker === 'DBB' && b.t === first.t ? withLateTrade(b) : undefined);
    const revised = (await get(path, { authorization: `Bearer ${KEY}` })).body.results;
    expect(revised).toEqual([{ ...first, c: first.h, v: first.v + 100, ...(first.n === undefined ? {} : { n: first.n + 1 }) }, second]);
  });
});
