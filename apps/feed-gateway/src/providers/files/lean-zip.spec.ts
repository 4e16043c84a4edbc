import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readLeanZipText } from '@md/testing';
import { leanZipLines } from './lean-zip';
import { fixturesDir } from '@md/fixtures';

// Real data: fixtures/lean (QuantConnect LEAN sample data, see its README).
const lean = (path: string) => join(fixturesDir(), 'lean', path);

async function allLines(path: string, maxBytes?: number): Promise<string[]> {
  const lines: string[] = [];
  for await (const line of leanZipLines(path, maxBytes)) lines.push(line.text);
  return lines;
}

describe('streaming the CSV inside a LEAN zip', () => {
  it('yields the lines readLeanZipText reads, numbered from 1', async () => {
    const expected = (await readLeanZipText(lean('minute/aapl/20140605_trade.zip'))).replace(/\r?\n$/, '').split(/\r?\n/);
    expect(await allLines(lean('minute/aapl/20140605_trade.zip'))).toEqual(expected);
    const daily = leanZipLines(lean('daily/aapl.zip'));
    const first = await daily.next();
    await daily.return(undefined); // closes the zip early
    expect(first.value).toEqual({ number: 1, text: '19980102 00:00,136300,162500,135000,162500,6315000' });
  });

  it('refuses an entry over the size bound', async () => {
    await expect(allLines(lean('minute/aapl/20140609_trade.zip'), 1000)).rejects.toThrow(/20140609_aapl_minute_trade.csv unpacks to 34864 bytes, over the 1000-byte bound/);
  });

  it('names the path of a file that is not a zip', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'lean-zip-')), 'not-a.zip');
    writeFileSync(path, 'ms,open,high,low,close,volume\n');
    await expect(allLines(path)).rejects.toThrow(`cannot open LEAN zip ${path}: End of central directory record signature not found`);
  });
});
