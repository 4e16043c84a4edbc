import { writeFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { endpointsOf, httpRequest, type CliIo } from '../cli-context';
import { parseSymbols } from '../parse-symbols';
import { parseWindow } from '../parse-time';
import { OperationError } from '../usage-error';

const FORMATS = { md: 'markdown', html: 'html', json: 'json' } as const;

/** The writer's report URL (GET /v1/quality/report, apps/timescale-writer quality-report.controller.ts). */
export function qualityReportUrl(writerUrl: string, o: { from: string; to: string; format: keyof typeof FORMATS; symbols?: string }): string {
  const { fromMs, toMs } = parseWindow(o.from, o.to);
  const query = new URLSearchParams({ from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString(), format: FORMATS[o.format] });
  if (o.symbols) query.set('symbols', parseSymbols(o.symbols).join(','));
  return `${writerUrl}/v1/quality/report?${query}`;
}

export function registerQuality(program: Command, io: CliIo): void {
  const quality = program.command('quality').description('data-quality findings stored by the timescale-writer');
  quality.command('report')
    .description('per symbol per day: completeness and findings in [from, to), from the writer (--writer-url)')
    .requiredOption('--from <time>', 'window start, e.g. 2024-04-01')
    .requiredOption('--to <time>', 'window end (exclusive), e.g. 2024-05-01')
    .addOption(new Option('--format <format>', 'output format').choices(Object.keys(FORMATS)).default('md'))
    .option('--symbols <list>', 'only these symbols, e.g. DBB,SPY')
    .option('--out <file>', 'write to this file instead of stdout')
    .action(async (opts: { from: string; to: string; format: keyof typeof FORMATS; symbols?: string; out?: string }, cmd: Command) => {
      const { writerUrl } = endpointsOf(cmd);
      const url = qualityReportUrl(writerUrl, opts);
      const res = await httpRequest(url, 'timescale-writer read API', { redirect: 'follow' });
      const body = await res.text();
      if (!res.ok) throw new OperationError(`the writer answered ${res.status} for ${url}: ${body.slice(0, 300)}`);
      if (opts.out) writeFileSync(opts.out, body);
      else io.out.write(body.endsWith('\n') ? body : `${body}\n`);
    });
}
