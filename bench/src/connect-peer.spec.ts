import { jdbcConnection } from './connect-peer';

describe('jdbcConnection', () => {
  it('turns a postgres:// URL into pgjdbc\'s URL and separate credentials', () => {
    expect(jdbcConnection('postgres://md:s%40cret@db.internal:6432/market?sslmode=verify-full')).toEqual({
      url: 'jdbc:postgresql://db.internal:6432/market?sslmode=verify-full', username: 'md', password: 's@cret',
    });
  });

  it('defaults the port and user as libpq does for the local stack\'s URL', () => {
    expect(jdbcConnection('postgres://127.0.0.1/test')).toEqual({ url: 'jdbc:postgresql://127.0.0.1:5432/test', username: 'postgres', password: '' });
  });
});
