import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
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

  it('handles frames in order, one at a time, and lets a frame read before the close explain it', async () => {
    // The server sends an error then closes, while the client is still busy with the first frame.
    server.on('connection', (ws) => ws.send('first', () => ws.send('406', () => ws.close())));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const handled: string[] = [];
    const socket: AlpacaSocket = new AlpacaSocket({ ...options, url: url() }, async (frame: RawFrame) => {
      handled.push(frame.data.toString());
      if (handled.length === 1) await gate;
      else socket.close('connection_limit', 'error 406');
    });
    expect(await socket.closing).toMatchObject({ reason: 'server_closed' });
    release();
    expect(await socket.ended).toEqual({ reason: 'connection_limit', detail: 'error 406' });
    expect(handled).toEqual(['first', '406']);
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
