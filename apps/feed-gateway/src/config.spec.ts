import { ConfigError, parseConfig } from '@md/config';
import { GatewayConfig } from './config';

const parse = (env: Record<string, string>) => parseConfig(GatewayConfig, env);
const refused = (env: Record<string, string>, line: string) => expect(() => parse(env)).toThrow(new ConfigError(line));

const ETRADE = { ETRADE_CONSUMER_KEY: 'ck', ETRADE_CONSUMER_SECRET: 'cs', ETRADE_ACCESS_TOKEN: 'at', ETRADE_ACCESS_TOKEN_SECRET: 'ats' };

describe('feed-gateway config: checks across fields, at boot', () => {
  it('starts with nothing configured', () => {
    expect(parse({})).toMatchObject({ HTTP_PORT: 3101, ALPACA_BARS: [], POLYGON_CHANNELS: [], ETRADE_QUOTES: [] });
  });

  it('requires the Alpaca key and secret when an Alpaca channel lists symbols, naming the one missing', () => {
    refused({ ALPACA_TRADES: 'AAPL' }, 'config: ALPACA_KEY_ID is invalid (unset): required when ALPACA_TRADES list symbols (or set ALPACA_KEY_ID_FILE)');
    refused({ ALPACA_BARS: 'DBB', ALPACA_QUOTES: 'DBB', ALPACA_KEY_ID: 'k' },
      'config: ALPACA_SECRET_KEY is invalid (unset): required when ALPACA_BARS, ALPACA_QUOTES list symbols (or set ALPACA_SECRET_KEY_FILE)');
    expect(parse({ ALPACA_BARS: 'DBB', ALPACA_KEY_ID: 'k', ALPACA_SECRET_KEY: 's' }).ALPACA_BARS).toEqual(['DBB']);
  });

  it('checks a job schedule at boot and requires what the scheduled job needs', () => {
    const ALPACA = { ALPACA_KEY_ID: 'k', ALPACA_SECRET_KEY: 's' };
    expect(() => parse({ ...ALPACA, SCHEDULE_CORPORATE_ACTIONS: 'daily@6am', CORPORATE_ACTIONS_SYMBOLS: 'AAPL' })).toThrow(/SCHEDULE_CORPORATE_ACTIONS.*not a schedule/);
    expect(() => parse({ ...ALPACA, SCHEDULE_CORPORATE_ACTIONS: 'daily@06:00 America/New_York' })).toThrow(/CORPORATE_ACTIONS_SYMBOLS.*must list symbols/);
    expect(() => parse({ ...ALPACA, SCHEDULE_OPTIONS_CHAIN: 'every@15m', OPTIONS_RISK_FREE_RATE: '0.04' })).toThrow(/OPTIONS_UNIVERSE_PATH.*required when SCHEDULE_OPTIONS_CHAIN is set/);
    expect(() => parse({ SCHEDULE_OPTIONS_CHAIN: 'every@15m', OPTIONS_UNIVERSE_PATH: 'u.txt', OPTIONS_RISK_FREE_RATE: '0.04' })).toThrow(/ALPACA_KEY_ID.*required when SCHEDULE_OPTIONS_CHAIN is set/);
    expect(parse({ ...ALPACA, SCHEDULE_CORPORATE_ACTIONS: 'daily@06:00 America/New_York', CORPORATE_ACTIONS_SYMBOLS: 'aapl' })).toMatchObject({ CORPORATE_ACTIONS_SYMBOLS: ['AAPL'], CORPORATE_ACTIONS_LOOKBACK_DAYS: 7 });
  });

  it('requires the Polygon key with Polygon channels, and a data timeout minimum not above its maximum', () => {
    refused({ POLYGON_CHANNELS: 'AM.DBB' }, 'config: POLYGON_API_KEY is invalid (unset): required when POLYGON_CHANNELS lists channels (or set POLYGON_API_KEY_FILE)');
    refused({ POLYGON_DATA_TIMEOUT_MIN_MS: '5000', POLYGON_DATA_TIMEOUT_MAX_MS: '4000' },
      'config: POLYGON_DATA_TIMEOUT_MIN_MS is invalid ("5000"): must not exceed POLYGON_DATA_TIMEOUT_MAX_MS (4000)');
    expect(parse({ POLYGON_CHANNELS: 'AM.DBB', POLYGON_API_KEY: 'k', POLYGON_DATA_TIMEOUT_MIN_MS: '4000', POLYGON_DATA_TIMEOUT_MAX_MS: '4000' }).POLYGON_API_KEY).toBe('k');
  });

  it('requires all four E*TRADE credentials when ETRADE_QUOTES lists symbols', () => {
    for (const name of Object.keys(ETRADE)) {
      const { [name]: _, ...rest } = ETRADE as Record<string, string>;
      refused({ ETRADE_QUOTES: 'AAPL', ...rest }, `config: ${name} is invalid (unset): required when ETRADE_QUOTES lists symbols (token flow: providers/etrade/TOKEN-FLOW.md) (or set ${name}_FILE)`);
    }
    expect(parse({ ETRADE_QUOTES: 'AAPL', ...ETRADE }).ETRADE_QUOTES).toEqual(['AAPL']);
  });

  it('reads the account maps, refuses a bad one without printing the account numbers, and requires what each connector needs', () => {
    expect(parse({ FIDELITY_POSITIONS_FILE: '/data/p.csv', FIDELITY_ACCOUNTS: 'X12345678=ira, Y87654321=taxable' }).FIDELITY_ACCOUNTS).toEqual({ X12345678: 'ira', Y87654321: 'taxable' });
    refused({ FIDELITY_ACCOUNTS: 'X12345678=ira,Y87654321' }, 'config: FIDELITY_ACCOUNTS is invalid ("(hidden)"): must be number=alias pairs, comma separated, e.g. X12345678=ira');
    refused({ ETRADE_ACCOUNTS: 'dBZOKt9x=my account' }, 'config: ETRADE_ACCOUNTS is invalid ("(hidden)"): must be accountIdKey=alias pairs, comma separated');
    refused({ FIDELITY_HISTORY_FILE: '/data/h.csv' }, 'config: FIDELITY_ACCOUNTS is invalid (unset): must map each account number of the Fidelity files to an alias (X12345678=ira) when FIDELITY_POSITIONS_FILE or FIDELITY_HISTORY_FILE is set');
    refused({ ETRADE_ACCOUNTS: 'dBZOKt9x=brokerage' }, 'config: ETRADE_CONSUMER_KEY is invalid (unset): required when ETRADE_ACCOUNTS lists accounts (token flow: providers/etrade/TOKEN-FLOW.md) (or set ETRADE_CONSUMER_KEY_FILE)');
    refused({ ALPACA_ACCOUNT_ALIAS: 'paper' }, 'config: ALPACA_KEY_ID is invalid (unset): required when ALPACA_ACCOUNT_ALIAS is set (the account connector) (or set ALPACA_KEY_ID_FILE)');
    refused({ ALPACA_ACCOUNT_ALIAS: 'PA1234 5678', ALPACA_KEY_ID: 'k', ALPACA_SECRET_KEY: 's' }, 'config: ALPACA_ACCOUNT_ALIAS is invalid ("PA1234 5678"): must be letters, digits, _ . - (an alias, not the account number)');
  });

  it('requires the risk-free rate with an option chain file', () => {
    refused({ OPTIONS_CHAIN_FILE: '/data/chain.csv' }, 'config: OPTIONS_RISK_FREE_RATE is invalid (unset): required when OPTIONS_CHAIN_FILE is set: greeks need a rate (e.g. 0.053 for 5.3%)');
    expect(parse({ OPTIONS_CHAIN_FILE: '/data/chain.csv', OPTIONS_RISK_FREE_RATE: '0.053' }).OPTIONS_RISK_FREE_RATE).toBe(0.053);
  });

  it('requires the LEAN factor file with its map file or symbol, which only qualify its actions', () => {
    refused({ LEAN_MAP_FILE: '/lean/map_files/aapl.csv' }, 'config: LEAN_FACTOR_FILE is invalid (unset): required when LEAN_MAP_FILE is set');
    refused({ LEAN_SYMBOL: 'AAPL' }, 'config: LEAN_FACTOR_FILE is invalid (unset): required when LEAN_SYMBOL is set');
    expect(parse({ LEAN_FACTOR_FILE: '/lean/factor_files/aapl.csv', LEAN_MAP_FILE: '/lean/map_files/aapl.csv', LEAN_SYMBOL: 'AAPL' }).LEAN_SYMBOL).toBe('AAPL');
  });
});
