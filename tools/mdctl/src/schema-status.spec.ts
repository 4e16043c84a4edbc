import { checkFailed, schemaStatus } from './schema-status';

const local = { type: 'record', name: 'Bar', fields: [{ name: 'symbol', type: 'string' }] };

describe('schemaStatus', () => {
  it('calls a reformatted but equal schema up to date without asking about compatibility', async () => {
    const registered = '{"fields":[{"type":"string","name":"symbol"}],"name":"Bar","type":"record"}';
    await expect(schemaStatus(registered, local, () => Promise.reject(new Error('not needed')))).resolves.toBe('up to date');
  });

  it('tells a compatible evolution from an incompatible one, and a missing subject', async () => {
    const older = JSON.stringify({ ...local, fields: [] });
    await expect(schemaStatus(older, local, async () => true)).resolves.toBe('newer locally, compatible');
    await expect(schemaStatus(older, local, async () => false)).resolves.toBe('INCOMPATIBLE');
    await expect(schemaStatus(null, local, async () => true)).resolves.toBe('not registered');
  });
});

describe('checkFailed', () => {
  it('fails on a missing or incompatible schema only', () => {
    expect(checkFailed(['up to date', 'newer locally, compatible'])).toBe(false);
    expect(checkFailed(['up to date', 'not registered'])).toBe(true);
    expect(checkFailed(['INCOMPATIBLE'])).toBe(true);
  });
});
