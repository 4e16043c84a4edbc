import { parseBaseUrl, parseBrokers } from './parse-endpoints';

describe('parseBrokers', () => {
  it('splits and trims a broker list', () => {
    expect(parseBrokers('127.0.0.1:9092, kafka-1.internal:19092')).toEqual(['127.0.0.1:9092', 'kafka-1.internal:19092']);
  });

  it.each(['kafka', '127.0.0.1:99999', '', 'http://k:9092'])('refuses "%s" with the expected form', (text) => {
    expect(() => parseBrokers(text)).toThrow(/is not a broker list: use host:port\[,host:port…\], e\.g\. 127\.0\.0\.1:9092 \(or set KAFKA_BROKERS\)$/);
  });
});

describe('parseBaseUrl', () => {
  it('drops a trailing slash', () => {
    expect(parseBaseUrl('http://127.0.0.1:8081/apis/ccompat/v7/', '--registry')).toBe('http://127.0.0.1:8081/apis/ccompat/v7');
  });

  it('refuses a non-URL and a non-http scheme', () => {
    expect(() => parseBaseUrl('ftp://127.0.0.1:3105', '--writer-url')).toThrow('--writer-url "ftp://127.0.0.1:3105" must be an http:// or https:// URL');
    expect(() => parseBaseUrl('not a url', '--writer-url')).toThrow('--writer-url "not a url" is not a URL');
  });
});
