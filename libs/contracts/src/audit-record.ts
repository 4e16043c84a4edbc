/**
 * md.audit.v1 (schemas/md.audit.v1.avsc): one request to a service's /v1 API, answered or
 * refused (issue 18). The same object is a line of the service's JSON-lines audit log, with
 * `time` as an ISO string there instead of UTC micros.
 */
export interface AuditRecord {
  requestId: string;
  /** UTC micros. */
  time: number;
  service: string;
  /** The token's name, never the token: 'local' without API_TOKENS_FILE, 'anonymous' when refused for want of one. */
  token: string;
  method: string;
  /** Route template (/v1/features/:symbol). */
  route: string;
  /** JSON object of path and query parameters, each value cut to 200 characters. */
  params: string;
  status: number;
  /** Rows in a list answer; null for any other answer. */
  rows: number | null;
  durationMs: number;
  remoteAddress: string | null;
}
