import { TOPICS } from '@md/contracts';
import { stageGroups } from './stages';

describe('stageGroups', () => {
  it("rewinds the preprocessor's group on raw bars and corporate actions by default", () => {
    expect(stageGroups('preprocessor')).toEqual([{ variable: 'GROUP_ID', groupId: 'md-preprocessor', topics: [TOPICS.rawBars, TOPICS.corporateActions] }]);
  });

  it("takes a bare --group as the stage's first group and VAR=id for the others", () => {
    const groups = stageGroups('timescale-writer', ['writer-blue', 'EVENTS_GROUP_ID=events-blue']);
    expect(groups.map((g) => g.groupId)).toEqual(['writer-blue', 'events-blue', 'md-timescale-writer-derived', 'md-timescale-writer-raw', 'md-timescale-writer-trading']);
  });

  it("rewinds the writer's raw group on raw trades and quotes, as RAW_GROUP_ID", () => {
    const raw = stageGroups('timescale-writer', ['RAW_GROUP_ID=raw-blue']).find((g) => g.variable === 'RAW_GROUP_ID');
    expect(raw).toEqual({ variable: 'RAW_GROUP_ID', groupId: 'raw-blue', topics: [TOPICS.rawTrades, TOPICS.rawQuotes] });
  });

  it('does not let an override leak into the next call', () => {
    stageGroups('preprocessor', ['prep-x']);
    expect(stageGroups('preprocessor')[0].groupId).toBe('md-preprocessor');
  });

  it('refuses an unknown stage or group variable, listing the valid ones', () => {
    expect(() => stageGroups('writer')).toThrow('--stage "writer" is not a stage: use one of preprocessor, feature-engine, timescale-writer, quality-monitor');
    expect(() => stageGroups('preprocessor', ['EVENTS_GROUP_ID=x'])).toThrow('--group EVENTS_GROUP_ID=x: preprocessor has no EVENTS_GROUP_ID; its groups are GROUP_ID');
  });
});
