import { TransientError } from '@md/contracts';
import { ccompatSubjectVersions } from './schema-id-versions';

/** Replaces global fetch with one answer, recording the requests. */
function answer(status: number, body: unknown) {
  const calls: Array<{ url: string; headers: Record<string, string> }> = [];
  jest.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    calls.push({ url: String(input), headers: (init?.headers ?? {}) as Record<string, string> });
    return new Response(typeof body === 'string' ? body : JSON.stringify(body), { status });
  });
  return calls;
}

describe('ccompatSubjectVersions', () => {
  afterEach(() => jest.restoreAllMocks());

  it('asks GET /schemas/ids/{id}/versions under the Confluent-compatible base path', async () => {
    const calls = answer(200, [{ subject: 'md.bars.v1-value', version: 2 }]);
    const versionsOf = ccompatSubjectVersions('http://127.0.0.1:8081/apis/ccompat/v7/', 1000);
    await expect(versionsOf(4)).resolves.toEqual([{ subject: 'md.bars.v1-value', version: 2 }]);
    expect(calls.map((c) => c.url)).toEqual(['http://127.0.0.1:8081/apis/ccompat/v7/schemas/ids/4/versions']);
  });

  it('reads error 40403 (schema not found) as an id the registry does not know', async () => {
    answer(404, { message: 'Schema 99 not found.', error_code: 40403 });
    await expect(ccompatSubjectVersions('http://r:8081/apis/ccompat/v7', 1000)(99)).resolves.toEqual([]);
  });

  it('treats any other 404 (a wrong base path) as retriable, so a misaddressed registry refuses no record', async () => {
    answer(404, '<html>Not Found</html>');
    await expect(ccompatSubjectVersions('http://r:8081/wrong', 1000)(1)).rejects.toBeInstanceOf(TransientError);
  });

  it('treats 5xx and 401 as retriable', async () => {
    answer(503, { message: 'starting' });
    await expect(ccompatSubjectVersions('http://r:8081', 1000)(1)).rejects.toThrow(/HTTP 503/);
    jest.restoreAllMocks();
    answer(401, { message: 'unauthorized' });
    await expect(ccompatSubjectVersions('http://r:8081', 1000)(1)).rejects.toBeInstanceOf(TransientError);
  });

  it('treats a refused connection as retriable', async () => {
    jest.spyOn(globalThis, 'fetch').mockRejectedValue(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } }));
    await expect(ccompatSubjectVersions('http://r:8081', 1000)(1)).rejects.toThrow(/did not answer the subjects of schema id 1/);
  });

  it('sends credentials from the URL as Basic auth and keeps them out of URLs and messages', async () => {
    const calls = answer(500, {});
    const failure = ccompatSubjectVersions('https://svc%40md:s3cret@registry.example:8443/apis/ccompat/v7', 1000)(1);
    await expect(failure).rejects.toThrow(TransientError);
    const message = await failure.catch((err: Error) => err.message);
    expect(message).not.toContain('s3cret');
    expect(calls[0].url).toBe('https://registry.example:8443/apis/ccompat/v7/schemas/ids/1/versions');
    expect(calls[0].headers.authorization).toBe(`Basic ${Buffer.from('svc@md:s3cret').toString('base64')}`);
  });
});
