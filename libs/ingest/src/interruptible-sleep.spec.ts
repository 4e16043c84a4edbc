import { InterruptibleSleep } from './interruptible-sleep';

describe('interruptible sleep', () => {
  it('ends a long wait at once when interrupted', async () => {
    const sleeper = new InterruptibleSleep();
    const started = Date.now();
    const waiting = sleeper.sleep(60_000);
    sleeper.interrupt();
    await waiting;
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
