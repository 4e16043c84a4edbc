import { registryHttp } from './registry-http';

describe('registryHttp', () => {
  it('moves URL credentials into a Basic header, off the logged base URL', () => {
    const http = registryHttp('https://svc:p%40ss@registry.example/apis/ccompat/v7/');
    expect(http.base).toBe('https://registry.example/apis/ccompat/v7');
    expect(http.authorization).toBe(`Basic ${Buffer.from('svc:p@ss').toString('base64')}`);
    expect(registryHttp('http://127.0.0.1:8081').authorization).toBeUndefined();
  });

  it('builds the header from the credentials as they are at each request (a rotated SCHEMA_REGISTRY_*_FILE)', () => {
    let token = 'token-1';
    const http = registryHttp({ url: 'https://registry.example', auth: { get token() { return token; } } });
    expect(http.authorization).toBe('Bearer token-1');
    token = 'token-2';
    expect(http.authorization).toBe('Bearer token-2');
  });
});
