import { TOPIC_TABLE, TOPICS } from '@md/contracts';
import { declaredTopics } from './topics.command';

describe('declaredTopics', () => {
  it('is the whole table when no topic is named, and the named specs otherwise', () => {
    expect(declaredTopics([])).toEqual(TOPIC_TABLE);
    expect(declaredTopics([TOPICS.bars]).map((t) => t.name)).toEqual([TOPICS.bars]);
  });

  it('refuses a topic that is not declared, listing the declared ones', () => {
    expect(() => declaredTopics(['md.bars.v2'])).toThrow(/^topic "md.bars.v2" is not declared in TOPIC_TABLE \(libs\/contracts\/src\/topics.ts\); declared: md.raw.bars.v1, /);
  });
});
