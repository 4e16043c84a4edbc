import type { VixRegimeLevel } from '@md/contracts';
import { microsToIso } from '@md/market';
import { parseCboeVixCsv, vixCloseTime } from './cboe-vix-csv';
import { DEFAULT_VIX_POLICY, INITIAL_VIX_STATE, stepVixRegime } from './vix-regime';

// Rows copied from CBOE's VIX_History.csv (https://cdn.cboe.com/api/global/us_indices/daily_prices/VIX_History.csv),
// 08/03/2015 to 09/11/2015; the same excerpt is apps/alt-data-aggregator/test/fixtures/vix-history-2015-08.csv.
const AUGUST_2015 = `DATE,OPEN,HIGH,LOW,CLOSE
08/03/2015,12.850000,13.550000,12.320000,12.560000
08/04/2015,12.660000,13.220000,12.290000,13.000000
08/05/2015,12.020000,12.720000,10.880000,12.510000
08/06/2015,12.200000,14.250000,12.160000,13.770000
08/07/2015,13.570000,14.580000,13.290000,13.390000
08/10/2015,12.730000,12.780000,12.180000,12.230000
08/11/2015,13.240000,14.330000,13.020000,13.710000
08/12/2015,15.190000,16.280000,13.450000,13.610000
08/13/2015,13.870000,14.330000,13.060000,13.490000
08/14/2015,13.690000,13.870000,12.800000,12.830000
08/17/2015,14.320000,14.520000,13.010000,13.020000
08/18/2015,13.410000,13.940000,13.170000,13.790000
08/19/2015,14.840000,15.960000,13.730000,15.250000
08/20/2015,16.550000,19.240000,16.130000,19.140000
08/21/2015,22.550000,28.380000,20.800000,28.030000
08/24/2015,28.030000,53.290000,28.030000,40.740000
08/25/2015,31.130000,38.060000,28.080000,36.020000
08/26/2015,31.130000,35.620000,28.670000,30.320000
08/27/2015,27.110000,29.900000,24.490000,26.100000
08/28/2015,26.690000,29.200000,25.770000,26.050000
08/31/2015,27.030000,29.370000,26.630000,28.430000
09/01/2015,31.910000,33.820000,29.910000,31.400000
09/02/2015,29.140000,30.450000,24.770000,26.090000
09/03/2015,25.210000,26.310000,23.450000,25.610000
09/04/2015,27.430000,29.470000,25.680000,27.800000
09/08/2015,25.050000,26.250000,24.130000,24.900000
09/09/2015,22.390000,26.820000,21.510000,26.230000
09/10/2015,26.870000,27.220000,23.530000,24.370000
09/11/2015,25.380000,25.810000,23.150000,23.200000
`;

describe('CBOE VIX history CSV', () => {
  it('reads the close of each day, stamped 16:15 New York (20:15 UTC in summer, 21:15 in winter)', () => {
    const { observations, rejected } = parseCboeVixCsv(AUGUST_2015);
    expect(rejected).toEqual([]);
    expect(observations).toHaveLength(29);
    expect(observations[15]).toEqual({ symbol: 'VIX', eventTime: vixCloseTime('08/24/2015'), value: 40.74, date: '08/24/2015' });
    expect(microsToIso(observations[15].eventTime)).toBe('2015-08-24T20:15:00.000Z');
    expect(microsToIso(vixCloseTime('01/02/2015')!)).toBe('2015-01-02T21:15:00.000Z');
  });

  it('skips comment and blank lines, accepts empty OPEN/HIGH/LOW, and rejects bad rows with their line numbers', () => {
    const text = '# note\nDATE,OPEN,HIGH,LOW,CLOSE\n\n08/24/2015,,,,40.740000\n02/30/2015,1,1,1,15\n08/25/2015,1,1,1,\n2015-08-26,1,1,1,30.32\n08/27/2015,1,1,1,-3\n';
    const { observations, rejected } = parseCboeVixCsv(text);
    expect(observations.map((o) => o.value)).toEqual([40.74]);
    expect(rejected.map((r) => [r.line, r.reason])).toEqual([
      [5, 'DATE "02/30/2015" is not a real MM/DD/YYYY date'],
      [6, 'CLOSE "" is not a positive number'],
      [7, 'DATE "2015-08-26" is not a real MM/DD/YYYY date'],
      [8, 'CLOSE "-3" is not a positive number'],
    ]);
  });

  it('refuses a file without a DATE and CLOSE header', () => {
    expect(() => parseCboeVixCsv('Date,Price\n08/24/2015,40.74\n')).toThrow(/lacks DATE and CLOSE/);
    expect(() => parseCboeVixCsv('# only a comment\n')).toThrow(/no header/);
  });

  it('classifies the real August 2015 closes, holding the regime on 15.25 and 24.90 where the raw level would flap', () => {
    let state = INITIAL_VIX_STATE;
    const regimes: VixRegimeLevel[] = [];
    for (const o of parseCboeVixCsv(AUGUST_2015).observations) {
      const step = stepVixRegime(state, o.value, o.eventTime, DEFAULT_VIX_POLICY);
      state = step.state;
      regimes.push(step.regime);
    }
    const L = 'LOW', N = 'NORMAL', E = 'ELEVATED', H = 'HIGH', X = 'EXTREME', C = 'CRISIS';
    expect(regimes).toEqual([L, L, L, L, L, L, L, L, L, L, L, L, L, N, H, C, X, X, H, H, H, X, H, H, H, H, H, E, E]);
  });
});
