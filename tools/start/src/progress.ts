import { SingleBar, Presets } from 'cli-progress';

/** One progress bar on stderr; without a TTY (CI) it prints a line every few seconds instead. */
export function createProgress(total: number): SingleBar {
  const bar = new SingleBar(
    {
      format: 'replay {bar} {percentage}% | stored {value}/{total} | published {published} | rejected {rejected}',
      noTTYOutput: !process.stderr.isTTY,
      notTTYSchedule: 3000,
      hideCursor: true,
    },
    Presets.shades_classic,
  );
  bar.start(total, 0, { published: 0, rejected: 0 });
  return bar;
}
