import { BAR_PARTITIONS, TOPIC_TABLE, TOPICS, changelogTopic } from './topics';
import { valueSchemaOf } from './schemas';

describe('schemas', () => {
  it.each(TOPIC_TABLE.map((t) => t.name))('%s has a record schema whose fields all carry a type', (topic) => {
    const schema = valueSchemaOf(topic);
    expect(schema.type).toBe('record');
    expect(schema.fields.length).toBeGreaterThan(0);
    for (const f of schema.fields) expect(f.type).toBeDefined();
  });

  it('co-partitions every keyed-by-symbol input of a stateful stage with its changelog', () => {
    const partitions = (name: string) => TOPIC_TABLE.find((t) => t.name === name)!.partitions;
    for (const t of [TOPICS.rawBars, TOPICS.bars, TOPICS.corporateActions]) expect(partitions(t)).toBe(BAR_PARTITIONS);
  });

  it('names a changelog after its consumer group, so pipelines never share state', () => {
    expect(changelogTopic('md-preprocessor')).toBe('md-preprocessor-state-changelog');
    expect(changelogTopic('a')).not.toBe(changelogTopic('b'));
  });
});
