import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Outcome } from './fuzz-check';
import type { ServiceUnderFuzz } from './fuzz-routes';
import type { FuzzRequest } from './fuzz-requests';

// Sends the fuzz requests with a bounded number in flight over keep-alive connections (one
// connection per slot, reused), each with its own deadline: a request that gets no complete
// answer in time is destroyed and reported, never awaited for ever. After `maxUnanswered` such
// requests the rest are not sent (reported as such): a wedged server would otherwise cost a
// deadline per request.

/** Only the start of an answer is kept: refusals are small, and a 1,000-row export need not be. */
const BODY_CAP = 64 * 1024;

export interface SendOptions {
  concurrency: number;
  deadlineMs: number;
  maxUnanswered: number;
}

export async function sendAll(requests: readonly FuzzRequest[], ports: Record<ServiceUnderFuzz, number>, o: SendOptions): Promise<Outcome[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: o.concurrency });
  const outcomes: Outcome[] = new Array(requests.length);
  let next = 0;
  let unanswered = 0;
  const worker = async () => {
    while (next < requests.length) {
      const i = next++;
      if (unanswered >= o.maxUnanswered) {
        outcomes[i] = { error: `not sent: ${unanswered} requests before it got no answer`, ms: 0 };
        continue;
      }
      outcomes[i] = await send(agent, ports[requests[i].service], requests[i], o.deadlineMs, true);
      if (outcomes[i].error !== undefined) unanswered += 1;
    }
  };
  try {
    await Promise.all(Array.from({ length: o.concurrency }, worker));
  } finally {
    agent.destroy();
  }
  return outcomes;
}

function send(agent: Agent, port: number, req: FuzzRequest, deadlineMs: number, retry: boolean): Promise<Outcome> {
  return new Promise((resolve) => {
    const started = performance.now();
    const ms = () => Math.round(performance.now() - started);
    const headers = req.body === undefined ? {} : { 'content-type': req.contentType ?? 'application/json', 'content-length': String(Buffer.byteLength(req.body)) };
    const r = request({ host: '127.0.0.1', port, method: req.method, path: req.url, agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        if (size < BODY_CAP) chunks.push(chunk);
        size += chunk.length;
      });
      res.once('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString('utf8'), ms: ms() });
      });
      res.once('error', (err) => {
        clearTimeout(timer);
        resolve({ status: res.statusCode, error: `answer cut off: ${err.message}`, ms: ms() });
      });
    });
    const timer = setTimeout(() => r.destroy(new Error(`no complete answer within ${deadlineMs} ms`)), deadlineMs);
    r.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      // Node's documented keep-alive race (http.request, request.reusedSocket): the server may
      // close an idle connection just as a request is written to it. Sent again once, on a new one.
      if (retry && r.reusedSocket && err.code === 'ECONNRESET') send(agent, port, req, deadlineMs, false).then(resolve);
      else resolve({ error: err.message, ms: ms() });
    });
    r.end(req.body);
  });
}
