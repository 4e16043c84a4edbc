import { ConfigError } from '@md/config';
import { MAX_UNIVERSE, parseUniverse } from './universe-file';

describe('parseUniverse', () => {
  it('reads one ticker a line, upper-cased and deduplicated, skipping comments and blank lines', () => {
    expect(parseUniverse('# most active\naapl\n\n  SPY  # index\r\nBRK.B\nAAPL\n', 'u.txt')).toEqual(['AAPL', 'SPY', 'BRK.B']);
  });

  it('rejects a bad line naming the file and the line number', () => {
    const bad = () => parseUniverse('AAPL\nSPY\nMSFT,NVDA\n', '/etc/md/universe.txt');
    expect(bad).toThrow(ConfigError);
    expect(bad).toThrow('/etc/md/universe.txt:3: "MSFT,NVDA" is not an underlying');
  });

  it('rejects an empty list and one beyond the bound', () => {
    expect(() => parseUniverse('# nothing\n', 'u.txt')).toThrow('u.txt: lists no underlyings');
    const many = Array.from({ length: MAX_UNIVERSE + 1 }, (_, i) => `T${i}`).join('\n');
    expect(() => parseUniverse(many, 'u.txt')).toThrow(`more than ${MAX_UNIVERSE}`);
  });
});
