import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { runMdctl } from './program';

function capture() {
  const out = new PassThrough();
  const err = new PassThrough();
  const text = (s: PassThrough) => String(s.read() ?? '');
  return { io: { out, err }, out: () => text(out), err: () => text(err) };
}

describe('mdctl exit codes and messages (no broker needed: all fail before connecting)', () => {
  it('prints help with examples and exit codes, exit 0', async () => {
    const c = capture();
    expect(await runMdctl(['--help'], c.io)).toBe(0);
    expect(c.out()).toMatch(/Examples:[\s\S]*mdctl rewind --stage preprocessor[\s\S]*mdctl reprocess --stage feature-engine[\s\S]*Exit codes: 0 done; 1 runtime failure/);
  });

  it("prints the workspace's version, exit 0", async () => {
    const c = capture();
    expect(await runMdctl(['--version'], c.io)).toBe(0);
    expect(c.out()).toBe(`${JSON.parse(readFileSync(join(__dirname, '../../../package.json'), 'utf8')).version}\n`);
  });

  it('exits 2 on an unknown command or a missing option, saying which', async () => {
    const c = capture();
    expect(await runMdctl(['frobnicate'], c.io)).toBe(2);
    expect(c.err()).toContain("unknown command 'frobnicate'");
    expect(await runMdctl(['replay', '--topic', 'md.bars.v1', '--from', 'earliest'], c.io)).toBe(2);
    expect(c.err()).toContain("required option '--group <id>' not specified");
  });

  it('exits 2 on an unknown stage, listing the stages', async () => {
    const c = capture();
    expect(await runMdctl(['rewind', '--stage', 'writer', '--from', '2024-01-01'], c.io)).toBe(2);
    expect(c.err()).toMatch(/Allowed choices are preprocessor, feature-engine, timescale-writer, quality-monitor/);
    expect(await runMdctl(['reprocess', '--stage', 'timescale-writer', '--from', '2024-01-01', '--to', '2024-02-01'], c.io)).toBe(2);
    expect(c.err()).toMatch(/Allowed choices are preprocessor, feature-engine, quality-monitor/);
  });

  it('exits 2 on a reprocess window it cannot run, saying why, before touching anything', async () => {
    const c = capture();
    expect(await runMdctl(['reprocess', '--stage', 'quality-monitor', '--from', '2024-01-01', '--to', '2024-01-01'], c.io)).toBe(2);
    expect(c.err()).toContain('mdctl: --from must be before --to');
    expect(await runMdctl(['reprocess', '--stage', 'feature-engine', '--from', '2024-02-01', '--to', '2024-01-01'], c.io)).toBe(2);
    expect(c.err()).toContain('mdctl: --from must be before --to');
    expect(await runMdctl(['reprocess', '--stage', 'feature-engine', '--from', '2024-01-01'], c.io)).toBe(2);
    expect(c.err()).toContain("required option '--to <time>' not specified");
  });

  it('exits 2 on a backup or restore it cannot run, saying what to give, before connecting', async () => {
    const c = capture();
    expect(await runMdctl(['backup'], c.io)).toBe(2);
    expect(c.err()).toContain('mdctl: --dir is required: the folder that keeps the backups');
    expect(await runMdctl(['backup', '--dir', 'b', '--keep-days', 'a month'], c.io)).toBe(2);
    expect(c.err()).toContain('mdctl: --keep-days "a month" is not a whole number of days from 1 to 3650');
    expect(await runMdctl(['restore'], c.io)).toBe(2);
    expect(c.err()).toContain("missing required argument 'backup'");
    expect(await runMdctl(['restore', '/nonexistent/backups'], c.io)).toBe(2);
    expect(c.err()).toContain('mdctl: /nonexistent/backups is not a backup folder: pass a folder made by `mdctl backup`');
  });

  it('exits 2 on an unparseable time, a symbol pattern or a bad broker list, with the fix', async () => {
    const c = capture();
    expect(await runMdctl(['rewind', '--stage', 'preprocessor', '--from', '2024-04-01 09:30'], c.io)).toBe(2);
    expect(c.err()).toContain('mdctl: --from "2024-04-01 09:30" has no time zone: append Z for UTC');
    expect(await runMdctl(['backfill', '--provider', 'alpaca', '--symbols', 'DB*', '--from', '2024-01-02', '--to', '2024-01-03'], c.io)).toBe(2);
    expect(c.err()).toContain('mdctl: --symbols: "DB*" is not a ticker symbol');
    expect(await runMdctl(['stack', 'up', '--purge'], c.io)).toBe(2);
    expect(c.err()).toContain('mdctl: --purge only goes with down (mdctl stack down --purge), not with up');
    expect(await runMdctl(['--brokers', 'kafka', 'lag'], c.io)).toBe(2);
    expect(c.err()).toContain('mdctl: --brokers "kafka" is not a broker list');
  });

  it('answers with this run\'s exit code, not one an earlier task of the process left, and leaves that one as it was', async () => {
    process.exitCode = 1;
    try {
      expect(await runMdctl(['asyncapi', '--check'], { out: new PassThrough(), err: new PassThrough() })).toBe(0);
      expect(process.exitCode).toBe(1);
    } finally {
      process.exitCode = undefined;
    }
  });
});
