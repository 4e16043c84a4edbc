import fc from 'fast-check';
import { TOPICS } from '@md/contracts';
import {
  CITATIONS, CO_PARTITIONED, GROUPS, MODEL, RECORD_BYTES, SCALED_ON, SCENARIOS, SOURCES, STAGES,
  capacityPlan, formatCapacityPlan, sensiblePartitions, topShare, type CapacityPlan, type ScenarioPlan, type Stage, type StageRates,
} from './capacity';

// Fixed example rates the exact figures below are pinned on (the recorded ones move with each bench run).
const PINNED: StageRates = { gateway: 30_000, preprocessor: 25_000, writer: 40_000, featureEngine: 15_000, qualityMonitor: 50_000 };
const rate = fc.integer({ min: 1_000, max: 500_000 });
const rates = fc.record<StageRates>({ gateway: rate, preprocessor: rate, writer: rate, featureEngine: rate, qualityMonitor: rate });
const scenario = (plan: CapacityPlan, id: string): ScenarioPlan => plan.scenarios.find((p) => p.scenario.id === id)!;
const cores = (p: ScenarioPlan, stage: Stage) => p.stages.find((s) => s.stage === stage)!.instances;
const partitions = (p: ScenarioPlan, topic: string) => p.topics.find((t) => t.topic === topic)!.partitions;

describe('capacityPlan', () => {
  it('halves (rounding up) a stage\'s cores when its measured rate doubles, and leaves the other stages alone', () => {
    fc.assert(fc.property(rates, fc.constantFrom(...STAGES), (r, stage) => {
      const before = capacityPlan(r);
      const after = capacityPlan({ ...r, [stage]: r[stage] * 2 });
      for (const [i, p] of before.scenarios.entries()) {
        for (const s of STAGES) {
          const expected = s === stage ? Math.ceil(cores(p, s) / 2) : cores(p, s);
          expect([p.scenario.id, s, cores(after.scenarios[i], s)]).toEqual([p.scenario.id, s, expected]);
        }
      }
    }), { numRuns: 200 });
  });

  it('gives every topic at least the instances of each consumer group reading it and the replicas of each stage scaled on its lag', () => {
    fc.assert(fc.property(rates, (r) => {
      const plan = capacityPlan(r);
      for (const p of plan.scenarios) {
        for (const g of GROUPS) {
          const topics = Object.keys(g.cost);
          const instances = p.groups.find((x) => x.group === g.group)!.instances;
          expect(topics.reduce((sum, t) => sum + partitions(p, t), 0)).toBeGreaterThanOrEqual(instances);
          for (const t of topics) {
            const ownShare = Math.ceil((p.topics.find((x) => x.topic === t)!.recordsPerSecond * g.cost[t as keyof typeof g.cost]!) / (r[g.stage] * MODEL.headroom));
            expect(partitions(p, t)).toBeGreaterThanOrEqual(ownShare);
          }
        }
        for (const s of p.stages.filter((x) => x.stage !== 'gateway')) {
          for (const t of SCALED_ON[s.stage as Exclude<Stage, 'gateway'>]) expect(partitions(p, t)).toBeGreaterThanOrEqual(s.maxReplicaCount!);
          expect(s.maxReplicaCount).toBeGreaterThanOrEqual(s.instances);
        }
      }
      for (const [stage, max] of Object.entries(plan.proposal.maxReplicaCount)) {
        for (const t of SCALED_ON[stage as Exclude<Stage, 'gateway'>]) expect(plan.proposal.partitions[t]).toBeGreaterThanOrEqual(max);
      }
    }), { numRuns: 100 });
  });

  it('keeps the changelogged stages\' inputs co-partitioned, within each scenario and in the proposal', () => {
    const plan = capacityPlan(PINNED);
    for (const p of plan.scenarios) expect(new Set(CO_PARTITIONED.map((t) => partitions(p, t))).size).toBe(1);
    expect(new Set(CO_PARTITIONED.map((t) => plan.proposal.partitions[t])).size).toBe(1);
  });

  it('never puts more bytes on a partition than the planned per-partition bound, on average', () => {
    for (const p of capacityPlan(PINNED).scenarios) {
      for (const t of p.topics) expect(t.recordsPerSecond * RECORD_BYTES[t.topic]!).toBeLessThanOrEqual(t.partitions * MODEL.partitionBytesPerSecond);
    }
  });

  it('needs more for SIP trades and quotes than for bars alone, and more for raw OPRA than for conflated chains', () => {
    fc.assert(fc.property(rates, (r) => {
      const plan = capacityPlan(r);
      const total = (id: string) => STAGES.reduce((sum, s) => sum + cores(scenario(plan, id), s), 0);
      for (const s of STAGES) expect(cores(scenario(plan, 'b'), s)).toBeGreaterThanOrEqual(cores(scenario(plan, 'a'), s));
      expect(total('b')).toBeGreaterThan(total('a'));
      expect(total('c')).toBeGreaterThan(total('c-snap'));
      expect(partitions(scenario(plan, 'b'), TOPICS.rawQuotes)).toBeGreaterThan(partitions(scenario(plan, 'a'), TOPICS.rawQuotes));
    }), { numRuns: 100 });
  });

  it('moves with the measured rates: a slower writer needs more partitions for the raw topics, never fewer', () => {
    const base = capacityPlan(PINNED);
    const slow = capacityPlan({ ...PINNED, writer: PINNED.writer / 4 });
    for (const t of [TOPICS.rawTrades, TOPICS.rawQuotes]) expect(slow.proposal.partitions[t]!).toBeGreaterThan(base.proposal.partitions[t]!);
    fc.assert(fc.property(rates, fc.double({ min: 0.1, max: 1, noNaN: true }), (r, f) => {
      const slower = capacityPlan({ gateway: r.gateway * f, preprocessor: r.preprocessor * f, writer: r.writer * f, featureEngine: r.featureEngine * f, qualityMonitor: r.qualityMonitor * f });
      const faster = capacityPlan(r);
      for (const [t, n] of Object.entries(faster.proposal.partitions)) expect(slower.proposal.partitions[t as keyof typeof faster.proposal.partitions]).toBeGreaterThanOrEqual(n!);
    }), { numRuns: 100 });
  });

  it('warns when one key outgrows one instance, which more partitions cannot fix', () => {
    const plan = capacityPlan(PINNED);
    expect(scenario(plan, 'a').warnings.filter((w) => w.includes('busiest key'))).toEqual([]);
    expect(scenario(plan, 'b').warnings).toContainEqual(expect.stringMatching(/^md-timescale-writer-raw: the busiest key of md\.raw\.quotes\.v1/));
    const fast = capacityPlan({ ...PINNED, writer: 10_000_000, featureEngine: 10_000_000 });
    expect(scenario(fast, 'b').warnings.filter((w) => w.includes('busiest key'))).toEqual([]);
  });

  it('derives the SIP and OPRA rates from the cited figures', () => {
    expect(topShare(99)).toBeCloseTo(SOURCES.top99Share, 10);
    expect(topShare(978)).toBeCloseTo(SOURCES.top978Share, 10);
    const b = SCENARIOS.find((s) => s.id === 'b')!;
    expect(b.feed.rawQuotes).toBeCloseTo(SOURCES.utpQuotesPeak * 2 * topShare(500), 6);
    expect(b.feed.rawTrades).toBeCloseTo(SOURCES.utpTradesPeak * 2 * topShare(500), 6);
    const c = SCENARIOS.find((s) => s.id === 'c')!;
    expect(c.feed.optionsChain!).toBeLessThan(SOURCES.opraCapacity); // below what OPRA itself can send
  });

  it('rounds partitions up to a count that many instance counts divide', () => {
    expect([1, 6, 7, 13, 25, 32, 37, 1546, 6000].map(sensiblePartitions)).toEqual([6, 6, 12, 24, 36, 36, 48, 1680, 6480]);
  });

  it('refuses a rate that is not a positive number', () => {
    expect(() => capacityPlan({ ...PINNED, writer: 0 })).toThrow('the writer rate must be a positive number (got 0)');
    expect(() => capacityPlan({ ...PINNED, gateway: Number.NaN })).toThrow(RangeError);
  });

  it('pins the plan for fixed example rates', () => {
    const plan = capacityPlan(PINNED);
    const b = scenario(plan, 'b');
    expect(STAGES.map((s) => cores(b, s))).toEqual([50, 1, 1, 13, 32]);
    expect(plan.proposal.partitions).toEqual({
      [TOPICS.rawBars]: 36, [TOPICS.bars]: 36, [TOPICS.corporateActions]: 36, [TOPICS.rawTrades]: 36, [TOPICS.rawQuotes]: 36,
      [TOPICS.optionsChain]: 6, [TOPICS.features]: 6, [TOPICS.intrinsicBars]: 6,
    });
    expect(plan.proposal.maxReplicaCount).toEqual({ preprocessor: 6, qualityMonitor: 6, featureEngine: 13, writer: 32 });
  });
});

describe('formatCapacityPlan', () => {
  it('prints every scenario with its tables, the proposal, the assumptions and every citation', () => {
    const text = formatCapacityPlan(capacityPlan(PINNED)).join('\n');
    for (const s of SCENARIOS) expect(text).toContain(`(${s.id}) ${s.title}`);
    for (const c of Object.values(CITATIONS)) expect(text).toContain(c);
    expect(text).toMatch(/^proposal \(targets a, b, c-snap\): partitions md\.raw\.bars\.v1 36/m);
    expect(text).toContain('proposal: maxReplicaCount preprocessor 6, quality-monitor 6, feature-engine 13, timescale-writer 32');
    expect(text).toContain('assumptions (stated, not published');
    expect(text).toMatch(/^ {4}timescale-writer +639,594 +40,000 +32 +32$/m);
  });
});
