import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { waitFor } from '@md/testing';
import { AlpacaSocket, type RawFrame } from './alpaca-stream.socket';

describe('one stream socket', () => {
  let server: WebSocketServer;
  const url = () => `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const options = { headers: {}, maxFrameBytes: 1 << 20, pingIntervalMs: 60_000, pongTimeoutMs: 60_000, handshakeTimeoutMs: 5000, maxQueuedFrames: 4, now: Date.now };

  beforeEach(async () => {
    server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((resolve) => server.once('listening', resolve));
  });
  afterEach(() => new Promise((resolve) => server.close(resolve)));

  it('hands frames over in order and lets a frame read before the close explain it', async () => {
    // The server sends an error then closes, while the client is still publishing both frames.
    server.on('connection', (ws) => ws.send('first', () => ws.send('406', () => ws.close())));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const handled: string[] = [];
    const socket: AlpacaSocket = new AlpacaSocket({ ...options, url: url() }, async (frame: RawFrame) => {
      handled.push(frame.data.toString());
      await gate;
      if (frame.data.toString() === '406') socket.close('connection_limit', 'error 406');
    });
    expect(await socket.closing).toMatchObject({ reason: 'server_closed' });
    release();
    expect(await socket.ended).toEqual({ reason: 'connection_limit', detail: 'error 406' });
    expect(handled).toEqual(['first', '406']);
  });

  it('hands a frame over while earlier ones still await their publish, so a sink can batch them', async () => {
    let peer!: WebSocket;
    server.on('connection', (ws) => {
      peer = ws;
      ws.send('a');
    });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const handled: string[] = [];
    const socket = new AlpacaSocket({ ...options, url: url() }, async (frame: RawFrame) => {
      handled.push(frame.data.toString());
      if (handled.length === 1) peer.send('b');
      await gate;
    });
    try {
      await waitFor('the second frame handed over before the first is published', () => handled.length === 2, 2000, 5);
      expect(handled).toEqual(['a', 'b']);
    } finally {
      release();
      socket.close('stopped', 'stopped');
    }
    expect(await socket.ended).toEqual({ reason: 'stopped', detail: 'stopped' });
  });

  it('ends with publish_failed when a publish fails, once the frames in flight are settled', async () => {
    server.on('connection', (ws) => ws.send('a', () => ws.send('b')));
    const gates = { a: deferred(), b: deferred() };
    const handled: string[] = [];
    const socket = new AlpacaSocket({ ...options, url: url() }, async (frame: RawFrame) => {
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
    server = new WebSocketServer({ host: '127.0.0.1', port: 0, autoPong: false });
    await new Promise((resolve) => server.once('listening', resolve));
    const socket = new AlpacaSocket({ ...options, url: url(), pingIntervalMs: 20, pongTimeoutMs: 50 }, async () => undefined);
    expect(await socket.ended).toEqual({ reason: 'pong_timeout', detail: 'no pong within 50 ms' });
  });

  it('reports a refused connection as a connect error', async () => {
    const socket = new AlpacaSocket({ ...options, url: `${url()}/nowhere`.replace(/:\d+/, ':1') }, async () => undefined);
    expect(await socket.ended).toMatchObject({ reason: 'connect_error' });
  });
});

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((res) => (resolve = res));
  return { promise, resolve };
}
