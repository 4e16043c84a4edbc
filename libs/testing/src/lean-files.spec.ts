import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readLeanZipText } from './lean-files';
import { fixturesDir } from '@md/fixtures';

// Real data: fixtures/lean (QuantConnect LEAN sample data, see its README).
const lean = (path: string) => join(fixturesDir(), 'lean', path);

describe('reading LEAN zip files', () => {
  it('reads the one CSV inside the AAPL daily zip', async () => {
    const lines = (await readLeanZipText(lean('daily/aapl.zip'))).trim().split('\n');
    expect(lines[0]).toBe('19980102 00:00,136300,162500,135000,162500,6315000');
    expect(lines).toHaveLength(5580);
  });

  it('refuses an entry over the size bound', async () => {
    await expect(readLeanZipText(lean('minute/aapl/20140609_trade.zip'), 1000)).rejects.toThrow(
      /20140609_aapl_minute_trade.csv unpacks to 34864 bytes, over the 1000-byte bound/,
    );
  });

  it('names the path of a file that is not a zip', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'lean-')), 'not-a.zip');
    writeFileSync(path, 'ms,open,high,low,close,volume\n');
    await expect(readLeanZipText(path)).rejects.toThrow(`cannot open LEAN zip ${path}: End of central directory record signature not found`);
  });
});
