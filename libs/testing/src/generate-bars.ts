import { createWriteStream, readFileSync } from 'node:fs';
import { once } from 'node:events';

/**
 * Writes `count` bars shaped like the real DBB minute file: its rows, in order, repeated under
 * one symbol per pass (B000, B001, …), so prices, volumes, gaps and sessions are real and every
 * (symbol, minute) is distinct. Returns the symbols used.
 */
export async function generateBars(sourceFile: string, count: number, outFile: string, prefix = 'B'): Promise<string[]> {
  const rows = readFileSync(sourceFile, 'utf8').trim().split(/\r?\n/).slice(1);
  const out = createWriteStream(outFile);
  out.write('symbol,timestamp,open,high,low,close,volume\n');
  const symbols: string[] = [];
  for (let i = 0; i < count; i++) {
    const pass = Math.floor(i / rows.length);
    if (i % rows.length === 0) symbols.push(`${prefix}${String(pass).padStart(3, '0')}`);
    if (!out.write(`${symbols[pass]},${rows[i % rows.length]}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return symbols;
}

/** Column mapping of generated files, for REPLAY_COLUMNS. */
export const GENERATED_COLUMNS = { symbol: 'symbol', time: 'timestamp', open: 'open', high: 'high', low: 'low', close: 'close', volume: 'volume' };
