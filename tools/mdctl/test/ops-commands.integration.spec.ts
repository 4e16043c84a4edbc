import { LOCAL_STACK } from '@md/config';
import { TOPIC_TABLE, TOPICS, valueSubject } from '@md/contracts';
import { createKafka, endOffsets, ensureTopics, readTopicRange } from '@md/kafka';
import { committedOffset, dbbRows, mdctl, registerTestSecrets, startGroupAtEnd, uniqueId } from '@md/testing';
import { AlpacaRestSimulator } from '@md/simulators';

// Integration: the built mdctl against the real local stack (Kafka, Apicurio), and its backfill
// delegating to feed-gateway's job against the Alpaca REST simulator.
describe('mdctl topics, schemas, replay and backfill (integration)', () => {
  const kafka = createKafka('test-mdctl', [LOCAL_STACK.kafkaBrokers]);

  beforeAll(async () => {
    await ensureTopics(kafka, TOPIC_TABLE); // this file may be the first to run on a fresh broker
  });

  it('reports the stack up, lists and describes the declared topics, and creating them again changes nothing', async () => {
    expect((await mdctl(['stack', 'status'])).code).toBe(0);
    const list = await mdctl(['topics', 'list']);
    expect(list.code).toBe(0);
    for (const t of TOPIC_TABLE) expect(list.stdout).toMatch(new RegExp(`^${t.name.replace(/\./g, '\\.')}\\s+${t.partitions}\\s+${t.partitions}\\s`, 'm'));
    expect(await mdctl(['topics', 'create'])).toMatchObject({ code: 0, stdout: `all ${TOPIC_TABLE.length} topics exist\n` });
    const described = await mdctl(['topics', 'describe', TOPICS.bars]);
    expect(described.code).toBe(0);
    expect(described.stdout).toContain(`topic ${TOPICS.bars}: 6 partitions (declared 6), retention.ms 2592000000, cleanup.policy delete`);
    expect(await mdctl(['topics', 'create', 'md.bars.v2'])).toMatchObject({ code: 2 });
  });

  it('lists the registry subjects and checks every declared schema, exit 0 only when all are registered and compatible', async () => {
    expect((await mdctl(['schemas', 'register'])).code).toBe(0);
    const list = await mdctl(['schemas', 'list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(new RegExp(`^\\* ${valueSubject(TOPICS.bars).replace(/\./g, '\\.')}\\s+\\d+\\s+\\d+$`, 'm'));
    const check = await mdctl(['schemas', 'check']);
    // Registered just now, so nothing is missing; each line carries a status.
    expect(check.stdout).not.toContain('not registered');
    for (const t of TOPIC_TABLE) expect(check.stdout).toMatch(new RegExp(`^${valueSubject(t.name).replace(/\./g, '\\.')}\\s+(up to date|newer locally, compatible|INCOMPATIBLE)$`, 'm'));
    expect(check.code).toBe(check.stdout.includes('INCOMPATIBLE') ? 1 : 0);
  });

  it('moves an inactive group to an offset (clamped per partition), to a time, and not at all on --dry-run', async () => {
    const group = uniqueId('mdctl-replay-');
    await startGroupAtEnd(kafka, group, [TOPICS.bars]);
    const end = await endOffsets(kafka, TOPICS.bars);
    const committed = async () => Promise.all([...end.keys()].map((p) => committedOffset(kafka, group, TOPICS.bars, p)));

    const dry = await mdctl(['replay', '--topic', TOPICS.bars, '--from', 'earliest', '--group', group, '--dry-run']);
    expect(dry).toMatchObject({ code: 0, stderr: '' });
    expect(dry.stdout).toContain('dry run: nothing committed');
    expect(await committed()).toEqual([...end.values()].map(BigInt));

    expect((await mdctl(['replay', '--topic', TOPICS.bars, '--from', '100', '--group', group])).code).toBe(0);
    expect(await committed()).toEqual([...end.values()].map((e) => (BigInt(e) < 100n ? BigInt(e) : 100n)));

    // A time after every record: the end of each partition.
    expect((await mdctl(['replay', '--topic', TOPICS.bars, '--from', new Date(Date.now() + 3_600_000).toISOString(), '--group', group])).code).toBe(0);
    const after = await committed();
    after.forEach((offset, i) => expect(offset).toBeGreaterThanOrEqual(BigInt([...end.values()][i])));

    expect(await mdctl(['replay', '--topic', 'md.nope.v1', '--from', 'earliest', '--group', group])).toMatchObject({ code: 2 });
    expect(await mdctl(['replay', '--topic', TOPICS.bars, '--from', 'yesterday', '--group', group])).toMatchObject({ code: 2 });
  });

  describe('backfill', () => {
    const KEY = 'AKMDCTLKEY1234567890';
    const SECRET = 'mdctl-secret-do-not-log-1a2b3c';
    const symbol = uniqueId('M');
    // Five real DBB sessions, 2023-07-10..14 (the range end is exclusive).
    const rows = dbbRows('2023-07-10', '2023-07-15');
    let sim: AlpacaRestSimulator;

    beforeAll(async () => {
      registerTestSecrets(KEY, SECRET);
      const items = rows.map((r) => ({ t: `${r.timestamp.replace(' ', 'T')}Z`, o: Number(r.open), h: Number(r.high), l: Number(r.low), c: Number(r.close), v: Number(r.volume) }));
      sim = await AlpacaRestSimulator.start({ keyId: KEY, secretKey: SECRET, includeDbb: false, recording: { bars: { [symbol]: items } }, rateLimit: { requests: 6000, windowMs: 60_000, enforce: true } });
    });

    afterAll(async () => {
      await sim?.stop();
    });

    it("runs feed-gateway's backfill job into md.raw.bars.v1, and a rerun resumes from the checkpoint", async () => {
      const start = await endOffsets(kafka, TOPICS.rawBars);
      const args = ['backfill', '--provider', 'alpaca', '--symbols', symbol.toLowerCase(), '--from', '2023-07-10', '--to', '2023-07-15', '--job', `ops-${symbol}`, '--requests-per-minute', '6000'];
      const env = { ALPACA_KEY_ID: KEY, ALPACA_SECRET_KEY: SECRET, ALPACA_DATA_URL: sim.url };
      const first = await mdctl(args, env);
      expect(first.code).toBe(0);
      expect(first.stderr).toMatch(new RegExp(`backfill ${symbol} 2023-07-10\\.\\.2023-07-15 \\(iex\\): done, 5/5 days \\(0 from the checkpoint\\), ${rows.length} bars`));
      expect(first.stdout + first.stderr).not.toContain(SECRET);
      const published = (await readTopicRange(kafka, TOPICS.rawBars, start)).filter((m) => m.key?.toString() === symbol);
      expect(published).toHaveLength(rows.length);

      const again = await mdctl(args, env);
      expect(again.code).toBe(0);
      expect(again.stderr).toContain('done, 5/5 days (5 from the checkpoint), 0 bars');
    });

    it('refuses a symbol pattern with exit 2 before contacting anything', async () => {
      const requests = sim.log.length;
      const result = await mdctl(['backfill', '--provider', 'alpaca', '--symbols', 'DB?', '--from', '2023-07-10', '--to', '2023-07-15']);
      expect(result).toMatchObject({ code: 2, stdout: '' });
      expect(result.stderr).toContain('mdctl: --symbols: "DB?" is not a ticker symbol');
      expect(sim.log).toHaveLength(requests);
    });
  });
});
