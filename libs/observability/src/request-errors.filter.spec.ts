import { describeClientError } from './request-errors.filter';

describe('describeClientError', () => {
  it('names the path or the body a request got wrong before any route ran', () => {
    expect(describeClientError({ status: 400, message: "Failed to decode param '%E0%A4%A'" }, false)).toBe(
      "path parameter: not valid percent-encoded UTF-8 (Failed to decode param '%E0%A4%A'): encode the value with encodeURIComponent",
    );
    expect(describeClientError({ status: 400, message: 'Unexpected end of JSON input' }, true)).toBe('request body: not valid JSON (Unexpected end of JSON input): send a JSON object');
    expect(describeClientError({ status: 413, type: 'entity.too.large', limit: 102400, message: 'request entity too large' }, true)).toBe(
      'request body: larger than the limit of 102400 bytes: ask for fewer items per request',
    );
    expect(describeClientError({ status: 415, type: 'charset.unsupported', message: 'unsupported charset "LATIN-9"' }, true)).toBe('request body: unsupported charset "LATIN-9": send UTF-8 JSON');
    expect(describeClientError({ status: 400, message: 'odd' }, false)).toBe('request: odd');
  });
});
