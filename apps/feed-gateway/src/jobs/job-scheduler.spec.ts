import { parseSchedule } from './job-schedule';
import { JobScheduler, MAX_ERROR_CHARS, type Clock, type RunOutcome, type ScheduledJob } from './job-scheduler';

/** Timers fire only when the test advances time; each one's promise callbacks settle before the next. */
class FakeClock implements Clock {
  private timers: Array<{ at: number; fn: () => void; id: number }> = [];
  private ids = 0;
  constructor(private t: number) {}
  now = () => this.t;
  setTimer = (fn: () => void, ms: number) => {
    this.timers.push({ at: this.t + ms, fn, id: ++this.ids });
    return this.ids;
  };
  clearTimer = (id: unknown) => {
    this.timers = this.timers.filter((x) => x.id !== id);
  };
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      await new Promise((resolve) => setImmediate(resolve));
      const due = this.timers.filter((x) => x.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.clearTimer(due.id);
      this.t = due.at;
      due.fn();
    }
    this.t = end;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** A job whose runs the test finishes by hand. */
function manualJob(schedule = 'every@60s') {
  const runs: Array<{ resolve: (records: number) => void; reject: (err: Error) => void; signal: AbortSignal }> = [];
  const job: ScheduledJob = {
    name: 'corporate-actions', schedule: parseSchedule(schedule, 'S'),
    run: (signal) => new Promise((resolve, reject) => runs.push({ resolve: (records) => resolve({ records }), reject, signal })),
  };
  return { job, runs };
}

const START = Date.parse('2025-03-03T10:00:00Z');
const RETRY = { maxRetries: 3, initialMs: 5_000, maxMs: 20_000 };

function setup(schedule?: string, retry = RETRY) {
  const clock = new FakeClock(START);
  const { job, runs } = manualJob(schedule);
  const observed: Array<[RunOutcome, number]> = [];
  const scheduler = new JobScheduler([job], { observe: (_job, outcome, _ms, records) => observed.push([outcome, records]) }, retry, clock);
  scheduler.start();
  return { clock, runs, observed, scheduler, status: () => scheduler.status()[0] };
}

describe('JobScheduler', () => {
  it('runs when due and reports the outcome, records and next run', async () => {
    const { clock, runs, observed, status } = setup();
    expect(status().nextRunAt).toBe('2025-03-03T10:01:00.000Z');
    await clock.advance(59_999);
    expect(runs).toHaveLength(0);
    await clock.advance(1);
    expect(runs).toHaveLength(1);
    expect(status().lastRun).toMatchObject({ startedAt: '2025-03-03T10:01:00.000Z', outcome: 'running' });
    await clock.advance(2_000);
    runs[0].resolve(7);
    await clock.advance(0);
    expect(status()).toMatchObject({
      nextRunAt: '2025-03-03T10:02:00.000Z', lastSuccessAt: '2025-03-03T10:01:02.000Z', runs: { success: 1, failure: 0, skipped: 0 },
      lastRun: { startedAt: '2025-03-03T10:01:00.000Z', endedAt: '2025-03-03T10:01:02.000Z', outcome: 'success', records: 7, error: null },
    });
    expect(observed).toEqual([['success', 7]]);
  });

  it('skips and counts a due run while the previous one is still going, never running two at once', async () => {
    const { clock, runs, observed, status } = setup();
    await clock.advance(60_000);
    await clock.advance(60_000 * 2);
    expect(runs).toHaveLength(1);
    expect(status().runs.skipped).toBe(2);
    runs[0].resolve(1);
    await clock.advance(60_000);
    expect(runs).toHaveLength(2);
    expect(observed).toEqual([['skipped', 0], ['skipped', 0], ['success', 1]]);
  });

  it('retries a failed run with doubling backoff and shows its error', async () => {
    const { clock, runs, status } = setup('every@1h');
    await clock.advance(3_600_000 - (START % 3_600_000));
    runs[0].reject(new Error('429 too many requests'));
    await clock.advance(0);
    expect(status()).toMatchObject({ lastRun: { outcome: 'failure', error: '429 too many requests', attempt: 0 }, retryAt: '2025-03-03T11:00:05.000Z' });
    await clock.advance(4_999);
    expect(runs).toHaveLength(1);
    await clock.advance(1);
    expect(runs).toHaveLength(2);
    runs[1].reject(new Error('429 again'));
    await clock.advance(9_999);
    expect(runs).toHaveLength(2);
    await clock.advance(1);
    runs[2].resolve(3);
    await clock.advance(0);
    expect(status()).toMatchObject({ retryAt: null, lastRun: { outcome: 'success', records: 3, attempt: 2 }, runs: { success: 1, failure: 2, skipped: 0 } });
  });

  it('gives up after the retry limit, and never retries past the next scheduled run', async () => {
    const limited = setup('every@1h', { maxRetries: 1, initialMs: 5_000, maxMs: 20_000 });
    await limited.clock.advance(3_600_000 - (START % 3_600_000));
    limited.runs[0].reject(new Error('down'));
    await limited.clock.advance(5_000);
    limited.runs[1].reject(new Error('still down'));
    await limited.clock.advance(30 * 60_000);
    expect(limited.runs).toHaveLength(2);
    expect(limited.status()).toMatchObject({ retryAt: null, lastRun: { error: 'still down' }, runs: { failure: 2 } });

    const short = setup('every@10s', { maxRetries: 5, initialMs: 20_000, maxMs: 60_000 });
    await short.clock.advance(10_000);
    short.runs[0].reject(new Error('down'));
    await short.clock.advance(0);
    expect(short.status().retryAt).toBeNull();
    await short.clock.advance(10_000);
    expect(short.runs).toHaveLength(2);
  });

  it('cuts a long error to a bounded message', async () => {
    const { clock, runs, status } = setup();
    await clock.advance(60_000);
    runs[0].reject(new Error('x'.repeat(10_000)));
    await clock.advance(0);
    expect(status().lastRun?.error).toHaveLength(MAX_ERROR_CHARS);
  });

  it('runs on trigger unless a run is going, and close aborts the run in progress', async () => {
    const { clock, runs, scheduler } = setup();
    expect(scheduler.trigger('corporate-actions')).toBe(true);
    expect(scheduler.trigger('corporate-actions')).toBe(false);
    expect(() => scheduler.trigger('nope')).toThrow('no scheduled job nope');
    const closed = scheduler.close();
    expect(runs[0].signal.aborted).toBe(true);
    runs[0].reject(new Error('aborted'));
    await closed;
    await clock.advance(10 * 60_000);
    expect(runs).toHaveLength(1);
  });
});
