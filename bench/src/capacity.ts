import { TOPICS, type TopicName } from '@md/contracts';

// A capacity plan past this machine (issue 14 goal 7): from measured per-core rates and message
// rates derived from published SIP/OPRA statistics, the cores per stage, the partitions per topic
// and the KEDA maxReplicaCount per stage. Pure: no I/O; the inputs are the bench's per-stage table.
// docs/capacity.md has the plan with its citations; every figure below is either a published one
// (SOURCES, with its citation key) or a stated assumption (ASSUMED, MODEL, the cost tables).

/**
 * Records consumed (the gateway: published) per second by one core of each stage, measured on 1-minute
 * bars. The quality-monitor's counts both its inputs: each bar reaches it twice (raw and clean).
 */
export interface StageRates { gateway: number; preprocessor: number; writer: number; featureEngine: number; qualityMonitor: number }
export type Stage = keyof StageRates;
export const STAGES: readonly Stage[] = ['gateway', 'preprocessor', 'qualityMonitor', 'featureEngine', 'writer'];
export const SERVICE: Record<Stage, string> = { gateway: 'feed-gateway', preprocessor: 'preprocessor', qualityMonitor: 'quality-monitor', featureEngine: 'feature-engine', writer: 'timescale-writer' };

/** The per-stage table of the last recorded bench run (docs/capacity.md, README Performance); `npm run bench -- --only stages,capacity` plans from a fresh one. */
export const RECORDED_RATES: StageRates = { gateway: 4_117, preprocessor: 3_084, writer: 7_192, featureEngine: 4_306, qualityMonitor: 4_634 };

/** Published figures; the key in brackets names the entry of CITATIONS. */
export const SOURCES = {
  utpQuotesPeak: 403_572, // UQDF busiest second of 2024, messages/s [utp]
  utpTradesPeak: 119_536, // UTDF busiest second of 2024, messages/s [utp]
  top99Share: 0.5009, // share of US equity volume in the 99 most traded symbols [abel]
  top978Share: 0.9001, // ... in the 978 most traded [abel]
  spyShare: 0.105, // SPY's share of US equity volume, June 2010 [abel]
  opraMessagesPerDay: 200e9, // OPRA regional quotes and NBBO updates a day, 2025 [databento-opra]
  opraSeries: 1.4e6, // option series on OPRA [databento-series]
  opraCapacity: 120e6, // messages/s OPRA told recipients to prepare for after the 96-line expansion [trade]
};

const SOURCE_CITES: Record<keyof typeof SOURCES, string> = { utpQuotesPeak: 'utp', utpTradesPeak: 'utp', top99Share: 'abel', top978Share: 'abel',
  spyShare: 'abel', opraMessagesPerDay: 'databento-opra', opraSeries: 'databento-series', opraCapacity: 'trade' };
export const CITATIONS: Record<string, string> = {
  utp: 'UTP Vendor Alert #2024-11 (Nasdaq, 2024-07-08), UQDF/UTDF max peak 1-second rates: https://nasdaqtrader.com/TraderNews.aspx?id=UTP2024-11',
  abel: 'Abel-Noser liquidity analysis of June 2010 (via ZeroHedge): https://www.zerohedge.com/article/99-stocks-account-half-days-trading-volume-liquidity-concentrates-ever-fewer-stocks',
  'databento-opra': 'Databento, "Beyond 40 Gbps: Processing OPRA in real-time" (2025-09-05): https://databento.com/blog/beyond-40-gbps-processing-opra-in-real-time',
  'databento-series': 'Databento, "How we serve real-time tick data of the entire US options market" (2024-03-25): https://databento.com/blog/real-time-tick-data',
  trade: 'The TRADE, OPRA 96-line expansion, ~120M messages/s (2023): https://www.thetradenews.com/expansion-of-us-equity-options-consolidated-tape-go-live-delayed/',
  confluent: 'Confluent, partitions >= max(t/p, t/c), p ~ 10s of MB/s: https://www.confluent.io/blog/5-common-pitfalls-when-using-apache-kafka/',
};

/** Stated assumptions, not published figures: change one and the plan follows. */
export const ASSUMED = {
  symbols: 500,
  ctaOverUtp: 1, // CTA's (Tapes A+B) busiest second taken equal to UTP's (Tape C): CTA's metrics were not read
  barBurstSeconds: 1, // every symbol's bar of a minute arrives within one second of the minute's close
  sessionSeconds: 23_400, // 09:30-16:00 New York
  opraOpenBurst: 3, // OPRA's busiest second at the open = 3x its session-average rate
  contractsPerUnderlying: 1_500, // average listed contracts of a top-500 underlying
  contractActivity: 1.5, // a top-500 contract updates 1.5x as often as the average OPRA series
  hotContractShare: 0.001, // the busiest contract's share of the chains' updates
  snapshotSeconds: 60, // conflated chains: one snapshot per contract per minute
};

export const MODEL = {
  headroom: 0.5, // run every stage at <= 50% of its measured per-core rate (the rest absorbs bursts and catch-up)
  // Confluent: one partition produces at "roughly 10s of MB/sec" [confluent]; plan with half of 10 MB/s.
  partitionBytesPerSecond: 5e6,
  minPartitions: 6, // today's TOPIC_TABLE default; partitions never shrink
  kedaFloor: 2, // prod overlay's minReplicaCount: maxReplicaCount never below it
  // default FEATURE_TIMEFRAMES 1m,5m,15m,1h,1d over a 390-minute session: (390 + 78 + 26 + 7 + 1) / 390
  featureVectorsPerBar: 502 / 390,
  intrinsicBarsPerTrade: 9 / 1000, // nine builders at about one bar per thousand trades each
};

export type Feed = 'rawBars' | 'rawTrades' | 'rawQuotes' | 'optionsChain';
/** The feed each topic's records (and so its busiest key) come from. */
const FEED_OF: Partial<Record<TopicName, Feed>> = { [TOPICS.rawBars]: 'rawBars', [TOPICS.bars]: 'rawBars', [TOPICS.features]: 'rawBars', [TOPICS.corporateActions]: 'rawBars',
  [TOPICS.rawTrades]: 'rawTrades', [TOPICS.intrinsicBars]: 'rawTrades', [TOPICS.rawQuotes]: 'rawQuotes', [TOPICS.optionsChain]: 'optionsChain' };

/** Bytes a record takes on the broker: Avro value measured on the schemas + key + ~20 B batch overhead. */
export const RECORD_BYTES: Partial<Record<TopicName, number>> = {
  [TOPICS.rawBars]: 120, [TOPICS.bars]: 140, [TOPICS.rawTrades]: 105, [TOPICS.rawQuotes]: 125,
  [TOPICS.optionsChain]: 225, [TOPICS.features]: 500, [TOPICS.intrinsicBars]: 150, [TOPICS.corporateActions]: 120,
};

/** Per-record cost relative to a bar at the gateway (Avro fields 11, 12, 22 vs 13; options add greeks). */
export const GATEWAY_COST: Record<Feed, number> = { rawBars: 1, rawTrades: 0.85, rawQuotes: 0.92, optionsChain: 2 };

/** Consumer groups and each input's cost relative to a bar for that stage (assumptions, docs/capacity.md). */
export const GROUPS: ReadonlyArray<{ stage: Exclude<Stage, 'gateway'>; group: string; cost: Partial<Record<TopicName, number>> }> = [
  { stage: 'preprocessor', group: 'md-preprocessor', cost: { [TOPICS.rawBars]: 1, [TOPICS.corporateActions]: 1 } },
  { stage: 'qualityMonitor', group: 'md-quality-monitor', cost: { [TOPICS.rawBars]: 1, [TOPICS.bars]: 1 } },
  { stage: 'featureEngine', group: 'md-feature-engine', cost: { [TOPICS.bars]: 1, [TOPICS.rawTrades]: 0.5 } },
  { stage: 'featureEngine', group: 'md-feature-engine-redis', cost: { [TOPICS.features]: 0.3 } },
  { stage: 'writer', group: 'md-timescale-writer', cost: { [TOPICS.bars]: 1 } },
  { stage: 'writer', group: 'md-timescale-writer-raw', cost: { [TOPICS.rawTrades]: 0.7, [TOPICS.rawQuotes]: 0.8 } },
  { stage: 'writer', group: 'md-timescale-writer-events', cost: { [TOPICS.optionsChain]: 1.5, [TOPICS.corporateActions]: 1 } },
  { stage: 'writer', group: 'md-timescale-writer-derived', cost: { [TOPICS.features]: 1, [TOPICS.intrinsicBars]: 1 } },
];

/** Topics whose lag scales each stage: k8s-check's INPUTS, plus the writer's raw group (a proposed trigger). */
export const SCALED_ON: Record<Exclude<Stage, 'gateway'>, readonly TopicName[]> = {
  preprocessor: [TOPICS.rawBars, TOPICS.corporateActions],
  qualityMonitor: [TOPICS.rawBars, TOPICS.bars],
  featureEngine: [TOPICS.bars, TOPICS.rawTrades],
  writer: [TOPICS.bars, TOPICS.rawTrades, TOPICS.rawQuotes],
};

/**
 * Topics that must keep one partition count: the preprocessor, quality-monitor and feature-engine
 * write their changelog (BAR_PARTITIONS partitions) at their input's partition number, so every
 * input of those stages (md.raw.trades.v1 included) has exactly the changelog's partitions.
 */
export const CO_PARTITIONED: readonly TopicName[] = [TOPICS.rawBars, TOPICS.bars, TOPICS.corporateActions, TOPICS.rawTrades];
const PLANNED: readonly TopicName[] = [...CO_PARTITIONED, TOPICS.rawQuotes, TOPICS.optionsChain, TOPICS.features, TOPICS.intrinsicBars];

export interface Scenario {
  id: string;
  title: string;
  /** Records/s the gateway publishes per raw topic in the scenario's busiest second. */
  feed: Partial<Record<Feed, number>>;
  /** The busiest key's (symbol's, contract's) share of a feed topic's records. */
  hotKeyShare: Partial<Record<Feed, number>>;
  /** Whether the proposed TOPIC_TABLE and KEDA values must carry it. */
  target: boolean;
  derivation: string;
}

/** Log-linear between the two cited points of the volume-concentration curve. */
export function topShare(symbols: number): number {
  const t = Math.log(symbols / 99) / Math.log(978 / 99);
  return Math.min(1, Math.max(0, SOURCES.top99Share + (SOURCES.top978Share - SOURCES.top99Share) * t));
}

const share = topShare(ASSUMED.symbols);
const bars = ASSUMED.symbols / ASSUMED.barBurstSeconds;
const sip = (peak: number) => peak * (1 + ASSUMED.ctaOverUtp) * share;
const opraPeak = (SOURCES.opraMessagesPerDay / ASSUMED.sessionSeconds) * ASSUMED.opraOpenBurst;
const contracts = ASSUMED.symbols * ASSUMED.contractsPerUnderlying;
const chainShare = Math.min(1, (contracts / SOURCES.opraSeries) * ASSUMED.contractActivity);
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

export const SCENARIOS: readonly Scenario[] = [
  { id: 'a', title: `${ASSUMED.symbols} symbols of 1-minute bars`, target: true,
    feed: { rawBars: bars }, hotKeyShare: { rawBars: 1 / ASSUMED.symbols },
    derivation: `${ASSUMED.symbols} bars within ${ASSUMED.barBurstSeconds} s of each minute's close` },
  { id: 'b', title: `${ASSUMED.symbols} symbols of SIP trades and quotes at a busy open, with their bars`, target: true,
    feed: { rawBars: bars, rawTrades: sip(SOURCES.utpTradesPeak), rawQuotes: sip(SOURCES.utpQuotesPeak) },
    hotKeyShare: { rawBars: 1 / ASSUMED.symbols, rawTrades: SOURCES.spyShare, rawQuotes: SOURCES.spyShare },
    derivation: `(UTP busiest second + CTA taken equal) x top-${ASSUMED.symbols} share ${pct(share)}; busiest key SPY at ${pct(SOURCES.spyShare)}` },
  { id: 'c', title: `every OPRA update of the top ${ASSUMED.symbols} underlyings' full chains`, target: false,
    feed: { rawBars: bars, optionsChain: opraPeak * chainShare },
    hotKeyShare: { rawBars: 1 / ASSUMED.symbols, optionsChain: ASSUMED.hotContractShare },
    derivation: `OPRA ${SOURCES.opraMessagesPerDay / 1e9}e9 msgs/day / ${ASSUMED.sessionSeconds} s x ${ASSUMED.opraOpenBurst} (open) x ` +
      `${contracts.toLocaleString('en-US')} contracts / ${SOURCES.opraSeries / 1e6}M series x ${ASSUMED.contractActivity} = ${pct(chainShare)} of OPRA` },
  { id: 'c-snap', title: `the same chains conflated to one snapshot per contract per ${ASSUMED.snapshotSeconds} s`, target: true,
    feed: { rawBars: bars, optionsChain: contracts / ASSUMED.snapshotSeconds },
    hotKeyShare: { rawBars: 1 / ASSUMED.symbols, optionsChain: 1 / contracts },
    derivation: `${contracts.toLocaleString('en-US')} contracts / ${ASSUMED.snapshotSeconds} s` },
];

export interface StagePlan { stage: Stage; perCore: number; load: number; instances: number; maxReplicaCount: number | null }
export interface GroupPlan { group: string; stage: Stage; load: number; instances: number }
export interface TopicPlan { topic: TopicName; recordsPerSecond: number; mbPerSecond: number; brokerBound: number; partitions: number; hottestPartition: number }
export interface ScenarioPlan { scenario: Scenario; topics: TopicPlan[]; groups: GroupPlan[]; stages: StagePlan[]; dbRowsPerSecond: number; warnings: string[] }
/** `proposal`: over the target scenarios, what TOPIC_TABLE and the ScaledObjects should say. */
export interface CapacityPlan { rates: StageRates; model: typeof MODEL; scenarios: ScenarioPlan[]; proposal: { partitions: Partial<Record<TopicName, number>>; maxReplicaCount: Partial<Record<Stage, number>> } }

/** Cores a load needs when one core may carry `capacity` records/s; at least one. */
export function instancesFor(load: number, capacity: number): number {
  return Math.max(1, Math.ceil(load / capacity));
}

// Highly composite counts: any instance count up to the partitions splits them evenly or nearly so.
const SENSIBLE = [6, 12, 24, 36, 48, 60, 120, 180, 240, 360, 720, 840, 1260, 1680, 2520, 5040];
export function sensiblePartitions(needed: number): number {
  return SENSIBLE.find((p) => p >= needed) ?? Math.ceil(needed / 720) * 720;
}

function topicRates(s: Scenario, m: typeof MODEL): Map<TopicName, number> {
  const f = (k: Feed) => s.feed[k] ?? 0;
  return new Map<TopicName, number>([
    [TOPICS.rawBars, f('rawBars')], [TOPICS.bars, f('rawBars')], [TOPICS.corporateActions, 0],
    [TOPICS.rawTrades, f('rawTrades')], [TOPICS.rawQuotes, f('rawQuotes')], [TOPICS.optionsChain, f('optionsChain')],
    [TOPICS.features, f('rawBars') * m.featureVectorsPerBar], [TOPICS.intrinsicBars, f('rawTrades') * m.intrinsicBarsPerTrade],
  ]);
}

/** The busiest key's share of a topic: derived topics inherit it from the feed they come from. */
const hotShare = (s: Scenario, topic: TopicName) => s.hotKeyShare[FEED_OF[topic]!] ?? 0;

function planScenario(rates: StageRates, s: Scenario, m: typeof MODEL): ScenarioPlan {
  const flow = topicRates(s, m);
  const capacity = (stage: Stage) => rates[stage] * m.headroom;
  const loadOf = (cost: Partial<Record<TopicName, number>>) => Object.entries(cost).reduce((sum, [t, c]) => sum + (flow.get(t as TopicName) ?? 0) * (c ?? 0), 0);
  const groups = GROUPS.map((g) => { const load = loadOf(g.cost); return { group: g.group, stage: g.stage, load, instances: instancesFor(load, capacity(g.stage)) }; });
  const gatewayLoad = (Object.keys(s.feed) as Feed[]).reduce((sum, k) => sum + (s.feed[k] ?? 0) * GATEWAY_COST[k], 0);
  const stages = STAGES.map((stage): StagePlan => {
    const load = stage === 'gateway' ? gatewayLoad : groups.filter((g) => g.stage === stage).reduce((sum, g) => sum + g.load, 0);
    const instances = instancesFor(load, capacity(stage));
    return { stage, perCore: rates[stage], load, instances, maxReplicaCount: stage === 'gateway' ? null : Math.max(m.kedaFloor, instances) };
  });
  // Partitions: >= every consumer group's instances, the broker bound, and (k8s-check) every replica
  // count a stage may scale to on that topic's lag; co-partitioned topics take the largest.
  const bytes = (t: TopicName) => (flow.get(t) ?? 0) * (RECORD_BYTES[t] ?? 200);
  const brokerBound = (t: TopicName) => Math.ceil(bytes(t) / m.partitionBytesPerSecond);
  // A group spreads its members over all its topics' partitions, so each topic needs its own share.
  const consumers = (t: TopicName) => GROUPS.filter((g) => g.cost[t] !== undefined).map((g) => instancesFor((flow.get(t) ?? 0) * g.cost[t]!, capacity(g.stage)));
  const scalers = (t: TopicName) => stages.filter((st) => st.stage !== 'gateway' && SCALED_ON[st.stage as Exclude<Stage, 'gateway'>].includes(t));
  const partitionsOf = (withScaling: boolean) => {
    const need = (t: TopicName) => Math.max(m.minPartitions, brokerBound(t), ...consumers(t), ...(withScaling ? scalers(t).map((st) => st.maxReplicaCount!) : []));
    const co = Math.max(...CO_PARTITIONED.map(need));
    return new Map(PLANNED.map((t) => [t, sensiblePartitions(CO_PARTITIONED.includes(t) ? co : need(t))]));
  };
  const [planned, unscaled] = [partitionsOf(true), partitionsOf(false)];
  const topics = PLANNED.map((t): TopicPlan => {
    const partitions = planned.get(t)!;
    const rate = flow.get(t) ?? 0;
    return { topic: t, recordsPerSecond: rate, mbPerSecond: bytes(t) / 1e6, brokerBound: brokerBound(t), partitions, hottestPartition: rate * Math.max(1 / partitions, hotShare(s, t)) };
  });
  const warnings = hotKeyWarnings(topics, rates, m);
  for (const st of stages.filter((x) => x.stage !== 'gateway')) {
    const on = SCALED_ON[st.stage as Exclude<Stage, 'gateway'>];
    const raised = PLANNED.filter((t) => planned.get(t)! > unscaled.get(t)! && st.maxReplicaCount! > unscaled.get(t)! &&
      (on.includes(t) || (CO_PARTITIONED.includes(t) && on.some((x) => CO_PARTITIONED.includes(x)))));
    if (raised.length) warnings.push(`${SERVICE[st.stage]} scales to ${st.maxReplicaCount} replicas on the lag of ${on.join(', ')} and k8s-check caps replicas at their partitions: ` +
      `${raised.map((t) => `${t} ${unscaled.get(t)} -> ${planned.get(t)}`).join(', ')}; its busy group as a deployment of its own would avoid that`);
  }
  const gw = stages[0];
  if (gw.instances > 1) warnings.push(`feed-gateway needs ${gw.instances} cores: it runs one replica today (a source); shard it by symbol list into ${gw.instances} deployments, each with its own provider connection`);
  const dbRowsPerSecond = [TOPICS.bars, TOPICS.rawTrades, TOPICS.rawQuotes, TOPICS.optionsChain, TOPICS.features, TOPICS.intrinsicBars].reduce((sum, t) => sum + (flow.get(t) ?? 0), 0);
  return { scenario: s, topics, groups, stages, dbRowsPerSecond, warnings };
}

/** Partitions spread keys, never one key: its partition must fit one broker partition and one consumer. */
function hotKeyWarnings(topics: TopicPlan[], rates: StageRates, m: typeof MODEL): string[] {
  const out: string[] = [];
  for (const t of topics) {
    const bytes = t.hottestPartition * (RECORD_BYTES[t.topic] ?? 200);
    if (bytes > m.partitionBytesPerSecond) out.push(`${t.topic}: its busiest partition carries ${(bytes / 1e6).toFixed(1)} MB/s, above the ${m.partitionBytesPerSecond / 1e6} MB/s planned per partition`);
    for (const g of GROUPS.filter((x) => x.cost[t.topic] !== undefined)) {
      const load = t.hottestPartition * g.cost[t.topic]!;
      const cap = rates[g.stage] * m.headroom;
      if (load > cap) out.push(`${g.group}: the busiest key of ${t.topic} alone needs ${(load / cap).toFixed(1)}x one instance's planned load; more partitions cannot split a key: conflate it or salt the key`);
    }
  }
  return out;
}

export function capacityPlan(rates: StageRates, scenarios: readonly Scenario[] = SCENARIOS, model: typeof MODEL = MODEL): CapacityPlan {
  for (const stage of STAGES) if (!(rates[stage] > 0)) throw new RangeError(`capacityPlan: the ${stage} rate must be a positive number (got ${rates[stage]})`);
  const plans = scenarios.map((s) => planScenario(rates, s, model));
  const targets = plans.filter((p) => p.scenario.target);
  const partitions: Partial<Record<TopicName, number>> = {};
  for (const t of PLANNED) partitions[t] = Math.max(model.minPartitions, ...targets.map((p) => p.topics.find((x) => x.topic === t)!.partitions));
  const maxReplicaCount: Partial<Record<Stage, number>> = {};
  for (const stage of STAGES.filter((x) => x !== 'gateway')) {
    // Never below today's 6 (catch-up room for backfills), never above the partitions it scales on.
    const want = Math.max(model.minPartitions, ...targets.map((p) => p.stages.find((x) => x.stage === stage)!.maxReplicaCount!));
    maxReplicaCount[stage] = Math.min(want, ...SCALED_ON[stage as Exclude<Stage, 'gateway'>].map((t) => partitions[t]!));
  }
  return { rates, model, scenarios: plans, proposal: { partitions, maxReplicaCount } };
}

const num = (x: number) => Math.round(x).toLocaleString('en-US');
const pad = (s: string | number, w: number) => String(s).padStart(w);

export function formatCapacityPlan(plan: CapacityPlan): string[] {
  const m = plan.model;
  const lines = [`capacity plan: per-core records/s ${STAGES.map((s) => `${SERVICE[s]} ${num(plan.rates[s])}`).join(', ')}; ` +
    `each stage at <= ${m.headroom * 100}% of them; ${m.partitionBytesPerSecond / 1e6} MB/s per partition`];
  for (const p of plan.scenarios) {
    lines.push('', `(${p.scenario.id}) ${p.scenario.title}${p.scenario.target ? '' : ' [not a target: shown to size what conflation must remove]'}`, `    ${p.scenario.derivation}`);
    lines.push(`    ${'topic'.padEnd(24)}${pad('records/s', 13)}${pad('MB/s', 9)}${pad('broker', 8)}${pad('partitions', 12)}${pad('busiest partition/s', 21)}`);
    for (const t of p.topics) lines.push(`    ${t.topic.padEnd(24)}${pad(num(t.recordsPerSecond), 13)}${pad(t.mbPerSecond.toFixed(2), 9)}${pad(t.brokerBound, 8)}${pad(t.partitions, 12)}${pad(num(t.hottestPartition), 21)}`);
    lines.push(`    ${'stage'.padEnd(24)}${pad('bar-equiv/s', 13)}${pad('per core', 10)}${pad('cores', 8)}${pad('KEDA max', 10)}`);
    for (const s of p.stages) lines.push(`    ${SERVICE[s.stage].padEnd(24)}${pad(num(s.load), 13)}${pad(num(s.perCore), 10)}${pad(s.instances, 8)}${pad(s.maxReplicaCount ?? '-', 10)}`);
    lines.push(`    groups: ${p.groups.filter((g) => g.load > 0).map((g) => `${g.group} ${g.instances}`).join(', ')}; rows/s into the database ${num(p.dbRowsPerSecond)}`);
    for (const w of p.warnings) lines.push(`    ! ${w}`);
  }
  const prop = plan.proposal;
  lines.push('', `proposal (targets ${plan.scenarios.filter((p) => p.scenario.target).map((p) => p.scenario.id).join(', ')}): partitions ` +
    Object.entries(prop.partitions).map(([t, n]) => `${t} ${n}`).join(', '));
  lines.push(`proposal: maxReplicaCount ${Object.entries(prop.maxReplicaCount).map(([s, n]) => `${SERVICE[s as Stage]} ${n}`).join(', ')}`);
  return [...lines, ...assumptionLines(m)];
}

const list = (o: object) => Object.entries(o).map(([k, v]) => `${k} ${typeof v === 'number' ? +v.toFixed(4) : v}`).join(', ');

/** Everything the plan rests on that is not a measurement, printed with it. */
function assumptionLines(m: typeof MODEL): string[] {
  return ['', 'assumptions (stated, not published; bench/src/capacity.ts ASSUMED, MODEL and the cost tables):',
    `  ${list(ASSUMED)}`, `  ${list(m)}`,
    `  one instance = one core (a Node process); the writer's four groups and the feature-engine's two share their process's core;`,
    `  the quality-monitor's rate counts raw and clean bars; a partition count rounds up to a highly composite number (${SENSIBLE.slice(0, 6).join(', ')}, ...)`,
    `  cost per record relative to a bar, feed-gateway: ${list(GATEWAY_COST)}`,
    ...GROUPS.map((g) => `  cost per record relative to a bar, ${g.group}: ${list(g.cost)}`),
    `  broker bytes per record: ${list(RECORD_BYTES)}`,
    'published figures:', `  ${Object.entries(SOURCES).map(([k, v]) => `${k} ${Number.isInteger(v) ? v.toLocaleString('en-US') : v} [${SOURCE_CITES[k as keyof typeof SOURCES]}]`).join(', ')}`,
    ...Object.entries(CITATIONS).map(([k, v]) => `  [${k}] ${v}`)];
}
