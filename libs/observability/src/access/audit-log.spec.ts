import { auditParams, rowsOf } from './audit-log';
import { listenAddress } from '../bootstrap';

describe('audit record fields', () => {
  it('counts rows of list answers only', () => {
    expect(rowsOf({ count: 3, truncated: false, bars: [1, 2, 3] })).toBe(3);
    expect(rowsOf({ symbol: 'AAPL', features: [1, 2] })).toBe(2);
    expect(rowsOf([1, 2, 3, 4])).toBe(4);
    expect(rowsOf({ status: 'done' })).toBeNull();
    expect(rowsOf('<html>')).toBeNull();
    expect(rowsOf(undefined)).toBeNull();
  });

  it('keeps every parameter, each cut to 200 characters, path parameters over query ones', () => {
    const params = JSON.parse(auditParams({ symbol: 'AAPL' }, { symbol: 'x', from: 'a'.repeat(500), tag: ['a', 'b'] }));
    expect(params).toEqual({ symbol: 'AAPL', from: `${'a'.repeat(200)}…`, tag: '["a","b"]' });
    expect(auditParams({}, {})).toBe('{}');
  });
});

describe('listenAddress', () => {
  it('listens on 127.0.0.1 whatever HTTP_HOST says when the API is open, and says so', () => {
    expect(listenAddress('0.0.0.0', undefined)).toMatchObject({ host: '127.0.0.1', level: 'warn', note: expect.stringContaining('not HTTP_HOST=0.0.0.0') });
    expect(listenAddress('127.0.0.1', undefined)).toMatchObject({ host: '127.0.0.1', level: 'log' });
    expect(listenAddress('0.0.0.0', '/run/secrets/tokens.json')).toMatchObject({ host: '0.0.0.0', level: 'log' });
  });
});
