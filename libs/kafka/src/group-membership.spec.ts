import { isMembershipLost, whileHeartbeating } from './group-membership';

describe('group membership', () => {
  it('recognises an eviction or a rebalance, also wrapped as kafkajs wraps it', () => {
    const evicted = Object.assign(new Error('The coordinator is not aware of this member'), { type: 'UNKNOWN_MEMBER_ID' });
    expect(isMembershipLost(evicted)).toBe(true);
    expect(isMembershipLost(Object.assign(new Error('KafkaJSNonRetriableError'), { cause: evicted }))).toBe(true);
    expect(isMembershipLost(Object.assign(new Error('rebalancing'), { type: 'REBALANCE_IN_PROGRESS' }))).toBe(true);
    expect(isMembershipLost(Object.assign(new Error('leader moved'), { type: 'NOT_LEADER_FOR_PARTITION' }))).toBe(false);
    expect(isMembershipLost(new Error('connection refused'))).toBe(false);
  });

  it('heartbeats while the work runs, and stops when it ends', async () => {
    jest.useFakeTimers();
    try {
      let beats = 0;
      let finish!: () => void;
      const work = whileHeartbeating(async () => void beats++, () => new Promise<string>((resolve) => (finish = () => resolve('done'))), 1000);
      await jest.advanceTimersByTimeAsync(3500);
      expect(beats).toBe(3);
      finish();
      await expect(work).resolves.toBe('done');
      await jest.advanceTimersByTimeAsync(5000);
      expect(beats).toBe(3);
    } finally {
      jest.useRealTimers();
    }
  });
});
