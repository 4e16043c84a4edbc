import { readFileSync } from 'node:fs';
import { TOPIC_TABLE, TOPICS } from '@md/contracts';
import { exitCode, mdctl, startService, stopService, uniqueId, type RunningService } from '@md/testing';

// Integration: TOPIC_RETENTION as mdctl and a service meet it on the real broker. The declared
// topics exist on the shared broker (deleting one would break other runs), so creation itself is
// seen through `topics list` (the retention a create would use) and `topics create` leaving them.
describe('TOPIC_RETENTION (integration)', () => {
  const services: RunningService[] = [];
  afterAll(() => Promise.all(services.map((s) => stopService(s))));

  it('shows the retention a create would apply, from --retention or the variable, and leaves existing topics alone', async () => {
    const row = (out: string, topic: string) => out.split('\n').find((l) => l.startsWith(`${topic} `)) ?? '';
    const byOption = await mdctl(['topics', 'list', '--retention', 'md.raw.trades.v1=30d']);
    expect(byOption.code).toBe(0);
    expect(row(byOption.stdout, TOPICS.rawTrades)).toMatch(/\s30d\s+delete$/);
    expect(row(byOption.stdout, TOPICS.rawQuotes)).toMatch(/\s3d\s+delete$/);
    const byEnv = await mdctl(['topics', 'list'], { TOPIC_RETENTION: 'md.raw.quotes.v1=12h,md.vix.regime.v1=90d' });
    expect(row(byEnv.stdout, TOPICS.rawQuotes)).toMatch(/\s12h\s+delete$/);
    expect(row(byEnv.stdout, TOPICS.vixRegime)).toMatch(/\s90d\s+delete$/);
    expect(row(byEnv.stdout, TOPICS.corporateActions)).toMatch(/\sforever\s+delete$/);
    expect(await mdctl(['topics', 'create'], { TOPIC_RETENTION: 'md.raw.trades.v1=7d' })).toMatchObject({ code: 0, stdout: `all ${TOPIC_TABLE.length} topics exist\n` });
  });

  it('refuses a bad value with exit 2 and one line naming where it came from, before touching the broker', async () => {
    expect(await mdctl(['topics', 'create'], { TOPIC_RETENTION: 'md.raw.trades.v1=7days' })).toEqual({
      code: 2, stdout: '', stderr: 'mdctl: TOPIC_RETENTION: md.raw.trades.v1="7days" is not a duration: use <n>ms|s|m|h|d|w or forever, e.g. md.raw.trades.v1=7d,md.raw.quotes.v1=3d\n',
    });
    expect(await mdctl(['--brokers', '127.0.0.1:1', 'topics', 'create', '--retention', 'md.raw.trade.v1=7d'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/^mdctl: --retention: "md.raw.trade.v1" is not a declared topic/) });
  });

  it('stops a service that would create topics with a bad value, naming the variable', async () => {
    const group = uniqueId('prep-retention-');
    const service = await startService('preprocessor', { GROUP_ID: group, TRANSACTIONAL_ID: group, TOPIC_RETENTION: 'md.raw.bars.v1' }, `test-${group}`);
    services.push(service);
    expect(await exitCode(service, 60_000)).toBe(1);
    expect(readFileSync(service.logFile, 'utf8')).toContain('TOPIC_RETENTION: "md.raw.bars.v1" is not topic=duration');
  });
});
