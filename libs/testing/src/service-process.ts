import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { repoRoot, stackLogDir } from './paths';
import { waitFor } from './wait-for';

export const SERVICES = ['feed-gateway', 'preprocessor', 'feature-engine', 'alt-data-aggregator', 'timescale-writer', 'quality-monitor'] as const;
export type ServiceName = (typeof SERVICES)[number];

export interface RunningService {
  name: ServiceName;
  port: number;
  process: ChildProcess;
  logFile: string;
  exited: Promise<number | null>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Starts a built service (dist/) as its own process, its output in .stack/logs/<label>.log. */
export async function startService(name: ServiceName, env: Record<string, string>, label: string = name): Promise<RunningService> {
  const port = env.HTTP_PORT ? Number(env.HTTP_PORT) : await freePort();
  mkdirSync(stackLogDir(), { recursive: true });
  const logFile = join(stackLogDir(), `${label}.log`);
  const log = createWriteStream(logFile, { flags: 'a' });
  // MD_CPU_PROFILE_DIR: each service writes a V8 CPU profile there when it exits (the bench's per-stage table).
  const profileDir = env.MD_CPU_PROFILE_DIR ?? process.env.MD_CPU_PROFILE_DIR;
  const profile = profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir, '--cpu-prof-name', `${label}.cpuprofile`] : [];
  const child = spawn(process.execPath, [...profile, join(repoRoot(), 'dist/apps', name, 'src/main.js')], {
    env: { ...process.env, ...env, HTTP_PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Both streams into one file, so neither may end it; 'close' comes after the child's output is
  // drained, and the file is flushed before `exited` resolves: a caller that reads the log tail
  // of a service that just died (a bad config line) then sees that line.
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => log.end(() => resolve(code))));
  return { name, port, process: child, logFile, exited };
}

export async function httpJson<T = any>(port: number, path: string): Promise<{ status: number; body: T }> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`);
  const text = await res.text();
  let body: any = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* Prometheus text and other non-JSON bodies are returned as they are */
  }
  return { status: res.status, body };
}

/** The last lines a service wrote, for error messages (ANSI colours stripped). */
function logTail(service: RunningService, lines = 3): string {
  try {
    return readFileSync(service.logFile, 'utf8').replace(/\x1b\[[0-9;]*m/g, '').trim().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/** Resolves when /ready answers 200; fails at once, with the service's last words, if it exits first. */
export async function waitReady(service: RunningService, timeoutMs = 90_000): Promise<void> {
  let stop = false;
  const exited = service.exited.then((code) => {
    if (stop) return;
    throw new Error(`${service.name} exited with ${code} before it was ready:\n${logTail(service)}\n(full log: ${service.logFile})`);
  });
  const ready = waitFor(`${service.name} /ready (log: ${service.logFile})`, async () => !stop && (await httpJson(service.port, '/ready')).status === 200, timeoutMs, 200);
  try {
    await Promise.race([ready, exited]);
  } finally {
    stop = true;
  }
}

/** SIGTERM and wait for the drain (or SIGKILL, for crash tests). */
export async function stopService(service: RunningService, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  if (service.process.exitCode !== null || service.process.signalCode !== null) return service.process.exitCode;
  service.process.kill(signal);
  return service.exited;
}

/** Scrapes one counter/gauge from a service's /metrics, summed over the label sets matching `labels`. */
export async function metricValue(port: number, name: string, labels: Record<string, string> = {}): Promise<number> {
  const { body } = await httpJson<string>(port, '/metrics');
  let total = 0;
  for (const line of String(body).split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^(\w+)(\{[^}]*\})?\s+(\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const labelText = m[2] ?? '';
    if (Object.entries(labels).every(([k, v]) => labelText.includes(`${k}="${v}"`))) total += Number(m[3]);
  }
  return total;
}

/** The exit code of a service expected to finish on its own (a one-shot replay), with a deadline. */
export async function exitCode(service: RunningService, timeoutMs = 120_000): Promise<number | null> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${service.name} did not exit within ${timeoutMs} ms; see ${service.logFile}`)), timeoutMs);
  });
  try {
    return await Promise.race([service.exited, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
