import { connect, type Socket } from 'node:net';
import { waitFor } from '@md/testing';
import { LocalServer } from './local-server';

/** A WebSocket peer that completes the upgrade and then reads nothing, so it never answers a close frame. */
async function deafPeer(port: number): Promise<Socket> {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  socket.write(['GET / HTTP/1.1', 'Host: 127.0.0.1', 'Upgrade: websocket', 'Connection: Upgrade', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Version: 13', '', ''].join('\r\n'));
  await new Promise((resolve) => socket.once('data', resolve));
  return socket;
}

describe('LocalServer', () => {
  it('closes at once while a WebSocket peer that never answers the close frame holds its socket', async () => {
    const local = await LocalServer.host((server) => server);
    let closing = false;
    local.webSocket({}).on('connection', (ws) => {
      ws.close(1008, 'bye'); // ws would wait 30 s for the peer's close frame
      closing = true;
    });
    const peer = await deafPeer(local.port);
    await waitFor('the server to send its close frame', () => closing, 5000, 10);
    const started = Date.now();
    await local.close();
    expect(Date.now() - started).toBeLessThan(1000);
    await waitFor('the peer to see its socket end', () => peer.destroyed || peer.readableEnded, 5000, 10);
    peer.destroy();
  });

  it('clears the timers set through it, and a pause in progress never ends', async () => {
    const local = await LocalServer.host((server) => server);
    const fired = jest.fn();
    local.later(20, fired);
    const slept = jest.fn();
    void local.sleep(20).then(slept);
    await local.close();
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(fired).not.toHaveBeenCalled();
    expect(slept).not.toHaveBeenCalled();
  });

  it('closes the server again when the simulator built on it throws', async () => {
    let built: LocalServer | undefined;
    const start = LocalServer.host((server) => {
      built = server;
      throw new Error('bad recording');
    });
    await expect(start).rejects.toThrow('bad recording');
    expect(built!.http.listening).toBe(false);
  });

  it('answers plain HTTP with 426 until a handler is set, as ws does, and is safe to close twice', async () => {
    const local = await LocalServer.host((server) => server);
    expect((await fetch(local.url)).status).toBe(426);
    local.serve((_req, res) => res.end('ok'));
    expect(await (await fetch(local.url)).text()).toBe('ok');
    await local.close();
    await local.close();
  });
});
