import { EARLIEST_INSTANT, LATEST_INSTANT } from '../src/read-api.schemas';
import type { Seeded } from './fuzz-seed';
import type { FuzzRequest } from './fuzz-requests';

// Requests the fuzz sends every time, whatever the seed draws: the examples the issue names, the
// far edges of what the schemas accept (a range from 1900 to 9999-01-01 at every timeframe and
// fill policy, the quality report over it), and one of each refusal made before a route's own
// parsing (an undecodable path, a body that is no JSON or too large: RequestErrorsFilter), on
// every run.

const get = (service: FuzzRequest['service'], url: string): FuzzRequest => ({ service, method: 'GET', url });
const post = (body: string, contentType = 'application/json'): FuzzRequest => ({ service: 'feature-engine', method: 'POST', url: '/v1/features/batch', body, contentType });

export function fixedCases(s: Seeded): FuzzRequest[] {
  const w = (url: string) => get('timescale-writer', url);
  const range = `from=${s.from.toISOString()}&to=${s.to.toISOString()}`;
  const bars = `symbol=${s.symbol}&${range}&limit=5`;
  const everything = `from=${EARLIEST_INSTANT}&to=${LATEST_INSTANT}`;
  const edges = ['1m', '5m', '15m', '1h', '1d'].flatMap((tf) =>
    ['none', 'ffill', 'interpolate'].flatMap((fill) => ['regular', 'extended'].map((sessions) =>
      w(`/v1/bars?symbol=${s.symbol}&timeframe=${tf}&${everything}&limit=1000&fill=${fill}&sessions=${sessions}&asOf=${LATEST_INSTANT}`))));
  return [
    ...edges,
    w(`/v1/bars?symbol=${s.symbol}&symbol=${s.symbol}&${range}&limit=5`),
    w(`/v1/bars?${bars}&a[__proto__]=x&__proto__[polluted]=1&constructor[prototype][polluted]=1`),
    w(`/v1/bars?symbol[a]=b&${range}&limit=5`),
    w(`/v1/bars?symbol=${s.symbol}&from=0000-01-01T00:00:00Z&to=${s.to.toISOString()}&limit=5`),
    w(`/v1/bars?symbol=${s.symbol}&from=99999-01-01T00:00:00Z&to=${s.to.toISOString()}&limit=5`),
    w(`/v1/bars?${bars}&asOf=2024-07-01T13:30:00%2B99:99`),
    w(`/v1/bars?${bars}&asOf=2016-12-31T23:59:60Z`),
    w(`/v1/bars?symbol=${s.symbol}&${range}&limit=1e309`),
    w(`/v1/bars?symbol=${s.symbol}&${range}&limit=99999999999999999999`),
    w(`/v1/bars?symbol=${s.symbol}&${range}&limit=-1`),
    w(`/v1/bars?symbol=${encodeURIComponent("DBB'; DROP TABLE bars;--")}&${range}&limit=5`),
    w(`/v1/bars?symbol=DBB%00&${range}&limit=5`),
    w(`/v1/bars?symbol=${'A'.repeat(12_000)}&${range}&limit=5`),
    w(`/v1/bars?symbol=${'A'.repeat(20_000)}&${range}&limit=5`),
    w(`/v1/bars?${bars}&format=parquet`),
    w(`/v1/bars/latest?symbols=${Array.from({ length: 500 }, (_, i) => `S${i}`).join(',')}`),
    w(`/v1/bars/snapshot?symbol=${s.symbol}&from=${EARLIEST_INSTANT}`),
    w(`/v1/features?symbol=${s.symbol}&${everything}&limit=1000&format=arrow`),
    w(`/v1/quality/issues?${everything}&limit=1000`),
    w(`/v1/quality/report?${everything}&symbols=${s.symbol}&format=html&chartDays=100`),
    w(`/v1/quality/report?${everything}&format=markdown`),
    w(`/v1/options/chain?underlying=${s.symbol}&expiry=2024-13-45`),
    w(`/v1/options/chain?underlying=${s.symbol}&expiry=0000-01-01`),
    w(`/v1/options/chain?underlying=${s.symbol}&expiry=${s.expiry}`),
    w(`/v1/orders?${everything}&limit=1000`),
    w(`/v1/orders/${s.orderId}?limit=1000`),
    w('/v1/orders/%00'),
    w(`/v1/orders/${'a'.repeat(129)}`),
    w('/v1/orders/%E0%A4%A'),
    // A GET with a body: body-parser reads it before the route, for the writer too.
    { service: 'timescale-writer', method: 'GET', url: `/v1/bars?${bars}`, body: '{"a":', contentType: 'application/json' },
    { service: 'timescale-writer', method: 'GET', url: `/v1/bars?${bars}`, body: JSON.stringify({ pad: 'x'.repeat(200_000) }), contentType: 'application/json' },
    w(`/v1/executions?${everything}&limit=1000&account=${s.account}`),
    w('/v1/positions?closed=true&limit=1000'),
    w(`/v1/signals?symbol=${s.symbol}&${everything}&limit=1000&asOf=${EARLIEST_INSTANT}`),
    w(`/v1/risk-events?${everything}&limit=1000&severity=CRITICAL`),
    get('feature-engine', `/v1/features/${s.symbol}?history=1000`),
    get('feature-engine', `/v1/features/${s.symbol}?history=1e9`),
    get('feature-engine', '/v1/features/dbb'),
    get('feature-engine', '/v1/features/%E0%A4%A'),
    post(JSON.stringify({ keys: [{ symbol: s.symbol }, { symbol: s.symbol, timeframe: '1d' }] })),
    post('{"keys":['),
    post('[]'),
    post(JSON.stringify({ keys: [{ symbol: s.symbol }] }), 'text/plain'),
    post(`{"keys":[${'['.repeat(5000)}${']'.repeat(5000)}]}`),
    post(JSON.stringify({ keys: Array.from({ length: 5000 }, () => ({ symbol: 'A'.repeat(21) })) })),
  ];
}
