import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { waitFor } from '@md/testing';
import { LiveSocket, type RawFrame } from './live-socket';

describe('one live socket', () => {
  let server: WebSocketServer;
  const url = () => `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const options = { maxFrameBytes: 1 << 20, pingIntervalMs: 60_000, pongTimeoutMs: 60_000, handshakeTimeoutMs: 5000, inFlightFrames: 512, maxQueuedFrames: 4 };

  async function listen(autoPong = true): Promise<void> {
    server = new WebSocketServer({ host: '127.0.0.1', port: 0, autoPong });
    await new Promise((resolve) => server.once('listening', resolve));
  }

  beforeEach(() => listen());
  afterEach(() => new Promise((resolve) => server.close(resolve)));

  it('hands frames over in order and lets a frame read before the close explain it', async () => {
    // The server sends an error then closes, while the client is still publishing both frames.
    server.on('connection', (ws) => ws.send('first', () => ws.send('406', () => ws.close())));
    const gate = deferred();
    const handled: string[] = [];
    const socket: LiveSocket<'connection_limit'> = new LiveSocket({ ...options, url: url() }, async (frame: RawFrame) => {
      handled.push(frame.data.toString());
      await gate.promise;
      if (frame.data.toString() === '406') socket.close('connection_limit', 'error 406');
    });
    expect(await socket.closing).toMatchObject({ reason: 'server_closed' });
    gate.resolve();
    expect(await socket.ended).toEqual({ reason: 'connection_limit', detail: 'error 406' });
    expect(handled).toEqual(['first', '406']);
  });

  it('hands a frame over while earlier ones still await their publish, so a sink can batch them', async () => {
    let peer!: WebSocket;
    server.on('connection', (ws) => {
      peer = ws;
      ws.send('a');
    });
    const gate = deferred();
    const handled: string[] = [];
    const socket = new LiveSocket({ ...options, url: url() }, async (frame: RawFrame) => {
      handled.push(frame.data.toString());
      if (handled.length === 1) peer.send('b');
      await gate.promise;
    });
    try {
      await waitFor('the second frame handed over before the first is published', () => handled.length === 2, 2000, 5);
      expect(handled).toEqual(['a', 'b']);
    } finally {
      gate.resolve();
      socket.close('stopped', 'stopped');
    }
    expect(await socket.ended).toEqual({ reason: 'stopped', detail: 'stopped' });
  });

  it('with a window of one, hands a frame over only after the previous one is handled, and bounds what waits', async () => {
    const frames = Array.from({ length: 50 }, (_, i) => `frame ${i} ${'x'.repeat(1000)}`);
    server.on('connection', (ws) => frames.forEach((f) => ws.send(f)));
    let inFlight = 0;
    let maxInFlight = 0;
    const handled: string[] = [];
    const socket = new LiveSocket({ ...options, url: url(), inFlightFrames: 1, maxQueuedFrames: 1 }, async (frame: RawFrame) => {
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, 1));
      handled.push(frame.data.toString());
      inFlight--;
    });
    try {
      await waitFor('every frame', () => handled.length === frames.length, 5000, 5);
      expect(handled).toEqual(frames);
      expect(maxInFlight).toBe(1);
      expect(socket.maxQueuedBytes).toBeLessThan(2 * 65_536); // about one socket read, not everything sent
    } finally {
      socket.close('stopped', 'stopped');
    }
  });

  it('ends with publish_failed when a publish fails, once the frames in flight are settled', async () => {
    server.on('connection', (ws) => ws.send('a', () => ws.send('b')));
    const gates = { a: deferred(), b: deferred() };
    const handled: string[] = [];
    const socket = new LiveSocket({ ...options, url: url() }, async (frame: RawFrame) => {
      const name = frame.data.toString() as 'a' | 'b';
      handled.push(name);
      await gates[name].promise;
      if (name === 'a') throw new Error('broker down');
    });
    let ended = false;
    void socket.ended.then(() => (ended = true));
    try {
      await waitFor('both frames handed over', () => handled.length === 2, 2000, 5);
      gates.a.resolve();
      expect(await socket.closing).toEqual({ reason: 'publish_failed', detail: 'publishing failed: broker down' });
      expect(ended).toBe(false);
    } finally {
      gates.a.resolve();
      gates.b.resolve();
    }
    expect(await socket.ended).toEqual({ reason: 'publish_failed', detail: 'publishing failed: broker down' });
  });

  it('declares the peer dead when no pong comes', async () => {
    server.close();
    await listen(false);
    const socket = new LiveSocket({ ...options, url: url(), pingIntervalMs: 20, pongTimeoutMs: 50 }, async () => undefined);
    expect(await socket.ended).toEqual({ reason: 'pong_timeout', detail: 'no pong or data within 50 ms' });
  });

  it('does not take a socket paused for back-pressure (its pongs unread) for a dead peer', async () => {
    server.close();
    await listen(false);
    server.on('connection', (ws) => ['a', 'b', 'c'].forEach((f) => ws.send(f)));
    const gate = deferred();
    const handled: string[] = [];
    const socket = new LiveSocket({ ...options, url: url(), pingIntervalMs: 20, pongTimeoutMs: 50, inFlightFrames: 1, maxQueuedFrames: 1 }, async (frame: RawFrame) => {
      handled.push(frame.data.toString());
      await gate.promise;
    });
    await waitFor('the first frame in hand', () => handled.length === 1, 2000, 5);
    await new Promise((resolve) => setTimeout(resolve, 300)); // proving an absence: six pong deadlines while the sink holds the socket
    expect(socket.finished).toBe(false);
    gate.resolve();
    expect(await socket.ended).toEqual({ reason: 'pong_timeout', detail: 'no pong or data within 50 ms' });
    expect(handled).toEqual(['a', 'b', 'c']);
  });

  it('stops with a clean close (code 1000) and still hands over the frames it had read', async () => {
    const codes: number[] = [];
    server.on('connection', (ws) => {
      ws.on('close', (code) => codes.push(code));
      ws.send('a');
    });
    const gate = deferred();
    const socket = new LiveSocket({ ...options, url: url() }, () => gate.promise);
    await waitFor('a frame in hand', () => socket.busy, 2000, 5);
    socket.close('stopped', 'stopped');
    await socket.closed;
    await waitFor('the server to see the close', () => codes.length === 1, 2000, 5);
    expect(codes).toEqual([1000]);
    let ended = false;
    void socket.ended.then(() => (ended = true));
    await Promise.resolve();
    expect(ended).toBe(false);
    gate.resolve();
    expect(await socket.ended).toEqual({ reason: 'stopped', detail: 'stopped' });
  });

  it('reports a refused connection as a connect error', async () => {
    const socket = new LiveSocket({ ...options, url: `${url()}/nowhere`.replace(/:\d+/, ':1') }, async () => undefined);
    expect(await socket.ended).toMatchObject({ reason: 'connect_error' });
  });
});

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((res) => (resolve = res));
  return { promise, resolve };
}
