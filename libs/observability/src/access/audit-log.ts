import { createWriteStream, type WriteStream } from 'node:fs';
import type { AuditRecord } from '@md/contracts';

/** Where audit records go besides the JSON lines: md.audit.v1 (libs/kafka KafkaAuditPublisher). */
export interface AuditSink {
  /** Must not block or throw: the answer has been sent already. */
  publish(record: AuditRecord): void;
}
export const AUDIT_SINK = 'AUDIT_SINK';

const VALUE_CHARS = 200;
const PARAMS_CHARS = 4000;

/** Path and query parameters as the audit keeps them: one JSON object, each value cut to 200 characters. */
export function auditParams(path: Record<string, unknown>, query: Record<string, unknown>): string {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries({ ...query, ...path })) {
    const text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
    out[key.slice(0, VALUE_CHARS)] = text.length > VALUE_CHARS ? `${text.slice(0, VALUE_CHARS)}…` : text;
  }
  const json = JSON.stringify(out);
  return json.length > PARAMS_CHARS ? JSON.stringify({ truncated: json.slice(0, PARAMS_CHARS) }) : json;
}

/** Rows in an answer: its `count`, else the length of its list (top level or first list field); null for anything else. */
export function rowsOf(body: unknown): number | null {
  if (Array.isArray(body)) return body.length;
  if (!body || typeof body !== 'object') return null;
  const count = (body as { count?: unknown }).count;
  if (typeof count === 'number') return count;
  const list = Object.values(body).find(Array.isArray);
  return list ? list.length : null;
}

/**
 * The service's audit log (issue 18): every /v1 request as one JSON line, to AUDIT_LOG_FILE
 * (appended) or, unset, to stdout where a container's log collector keeps it; and to the sink
 * (md.audit.v1). The line carries `time` as ISO text, the topic as UTC micros.
 */
export class AuditLog {
  private readonly file?: WriteStream;

  constructor(
    path: string | undefined,
    private readonly sink: AuditSink | undefined,
    onFileError: (message: string) => void,
  ) {
    if (!path) return;
    this.file = createWriteStream(path, { flags: 'a' });
    this.file.on('error', (err) => onFileError(`AUDIT_LOG_FILE "${path}": ${err.message}: audit records now reach md.audit.v1 only`));
  }

  record(record: AuditRecord): void {
    const line = `${JSON.stringify({ audit: 'md.audit.v1', ...record, time: new Date(record.time / 1000).toISOString() })}\n`;
    if (this.file && !this.file.destroyed) this.file.write(line);
    else if (!this.file) process.stdout.write(line);
    this.sink?.publish(record);
  }

  async close(): Promise<void> {
    const file = this.file;
    if (file && !file.destroyed) await new Promise<void>((resolve) => file.end(resolve));
  }
}
