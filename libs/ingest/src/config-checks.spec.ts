import { z } from 'zod';
import { ConfigError, parseConfig } from '@md/config';
import { requireSet } from './config-checks';

describe('config requirements across fields', () => {
  const schema = z
    .object({ CHANNELS: z.string().optional(), API_KEY: z.string().optional(), API_SECRET: z.string().optional() })
    .superRefine((c, ctx) => {
      if (c.CHANNELS) requireSet(ctx, c, { names: ['API_KEY', 'API_SECRET'], when: 'CHANNELS lists channels', secret: true });
    });

  it('blames the first unset variable by name, pointing at its _FILE form', () => {
    expect(() => parseConfig(schema, { CHANNELS: 'AM.DBB', API_KEY: 'k3y' }))
      .toThrow(new ConfigError('config: API_SECRET is invalid (unset): required when CHANNELS lists channels (or set API_SECRET_FILE)'));
  });

  it('accepts the config once every required variable is set, and asks nothing when the condition does not hold', () => {
    expect(parseConfig(schema, { CHANNELS: 'AM.DBB', API_KEY: 'k', API_SECRET: 's' })).toMatchObject({ API_SECRET: 's' });
    expect(parseConfig(schema, {})).toEqual({});
  });
});
