import { BAR_PARTITIONS, TOPIC_TABLE, TOPICS, changelogTopic } from './topics';

describe('topics', () => {
  it('co-partitions every keyed-by-symbol input of a stateful stage with its changelog', () => {
    const partitions = (name: string) => TOPIC_TABLE.find((t) => t.name === name)!.partitions;
    for (const t of [TOPICS.rawBars, TOPICS.bars, TOPICS.corporateActions]) expect(partitions(t)).toBe(BAR_PARTITIONS);
  });

  it('names a changelog after its consumer group, so pipelines never share state', () => {
    expect(changelogTopic('md-preprocessor')).toBe('md-preprocessor-state-changelog');
    expect(changelogTopic('a')).not.toBe(changelogTopic('b'));
  });

  it('declares each topic once, with a schema file named after it', () => {
    expect(new Set(TOPIC_TABLE.map((t) => t.name)).size).toBe(TOPIC_TABLE.length);
    for (const t of TOPIC_TABLE) expect(t.valueSchema).toBe(`${t.name}.avsc`);
  });
});
