import { readFileSync } from 'node:fs';
import { OPTIONS_CHAIN_FILE, fixturePath } from '@md/fixtures';

// The shared July 2024 chain snapshot as E*TRADE's Get Option Chains serialises it
// (apisb.etrade.com/docs/api/market/api-market-v1.html: OptionChainResponse.OptionPair[].Call / .Put).

/** One contract of the snapshot CSV as an E*TRADE leg; empty fields are left out, and greeks beyond IV are not in the recording. */
function snapshotLeg(cols: Record<string, string>): Record<string, unknown> {
  const m = /^([A-Z]+)(\d{6})([CP])(\d{8})$/.exec(cols.contractSymbol)!;
  const num = (name: string) => (cols[name] === '' ? undefined : Number(cols[name]));
  return {
    optionCategory: 'STANDARD', optionRootSymbol: m[1], symbol: m[1], optionType: m[3] === 'C' ? 'CALL' : 'PUT',
    strikePrice: num('strike'), bid: num('bid'), ask: num('ask'), lastPrice: num('lastPrice'), netChange: num('change'),
    volume: num('volume'), openInterest: num('openInterest'), inTheMoney: cols.inTheMoney === '1.0' ? 'y' : 'n',
    timeStamp: Math.floor(Date.parse(cols.lastTradeDate.replace(' ', 'T')) / 1000),
    osiKey: `${m[1].padEnd(6, '-')}${m[2]}${m[3]}${m[4]}`,
    OptionGreeks: cols.impliedVolatility === '' ? undefined : { iv: num('impliedVolatility'), currentValue: false },
  };
}

let snapshot: Record<string, unknown[]> | undefined;

/** fixtures/options/options_chain_snapshot_2024-07.csv as OptionPair lists by "ROOT:YYYY-MM-DD", strikes ascending. */
export function snapshotChains(): Record<string, unknown[]> {
  if (snapshot) return snapshot;
  const [header, ...lines] = readFileSync(fixturePath(OPTIONS_CHAIN_FILE), 'utf8').trim().split(/\r?\n/);
  const names = header.split(',');
  const pairs = new Map<string, Map<number, Record<string, unknown>>>();
  for (const line of lines) {
    const cols = Object.fromEntries(line.split(',').map((v, i) => [names[i], v]));
    const m = /^([A-Z]+)(\d{2})(\d{2})(\d{2})([CP])/.exec(cols.contractSymbol);
    if (!m) continue;
    const byStrike = pairs.get(`${m[1]}:20${m[2]}-${m[3]}-${m[4]}`) ?? new Map<number, Record<string, unknown>>();
    pairs.set(`${m[1]}:20${m[2]}-${m[3]}-${m[4]}`, byStrike);
    const pair = byStrike.get(Number(cols.strike)) ?? {};
    byStrike.set(Number(cols.strike), { ...pair, [m[5] === 'C' ? 'Call' : 'Put']: snapshotLeg(cols) });
  }
  snapshot = Object.fromEntries([...pairs].map(([key, byStrike]) => [key, [...byStrike].sort(([a], [b]) => a - b).map(([, pair]) => pair)]));
  return snapshot;
}
