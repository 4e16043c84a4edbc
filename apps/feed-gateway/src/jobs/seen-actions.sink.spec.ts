import type { CorporateActionRecord } from '@md/contracts';
import { MemoryCheckpointedSink, type CanonicalRecord } from '@md/ingest';
import { SeenActionsSink, actionIdentity, type SeenActions } from './seen-actions.sink';

const action = (symbol: string, exDate: string, fields: Partial<CorporateActionRecord> = {}): CanonicalRecord => ({
  kind: 'corporate_action',
  value: { symbol, exDate, kind: 'CASH_DIVIDEND', ratioTo: null, ratioFrom: null, amount: '0.25', referencePrice: null, provider: 'alpaca', revision: 0, ingestTime: 1, ...fields },
});
const values = (sink: MemoryCheckpointedSink<SeenActions>) => sink.records.map((r) => `${(r.value as CorporateActionRecord).symbol} ${(r.value as CorporateActionRecord).exDate}`);

describe('SeenActionsSink', () => {
  it('publishes an action re-fetched by the next run, or after a restart, once', async () => {
    const target = new MemoryCheckpointedSink<SeenActions>();
    const first = new SeenActionsSink(target, '2025-03-01');
    await first.publish([action('AAPL', '2025-03-03'), action('MSFT', '2025-03-05')]);
    await first.flush();
    const second = new SeenActionsSink(target.restart(), '2025-03-02');
    await second.publish([action('AAPL', '2025-03-03', { ingestTime: 2 }), action('MSFT', '2025-03-05'), action('IBM', '2025-03-06')]);
    expect(values(target)).toEqual(['AAPL 2025-03-03', 'MSFT 2025-03-05', 'IBM 2025-03-06']);
    expect([first.published, second.published, second.skipped]).toEqual([2, 1, 2]);
  });

  it('publishes an amended action again, as a correction', async () => {
    const target = new MemoryCheckpointedSink<SeenActions>();
    await new SeenActionsSink(target, '2025-03-01').publish([action('AAPL', '2025-03-03')]);
    await new SeenActionsSink(target.restart(), '2025-03-01').publish([action('AAPL', '2025-03-03', { amount: '0.26' })]);
    expect(target.records.map((r) => (r.value as CorporateActionRecord).amount)).toEqual(['0.25', '0.26']);
  });

  it('drops actions that left the window from its position, so the position stays bounded', async () => {
    const target = new MemoryCheckpointedSink<SeenActions>();
    const first = new SeenActionsSink(target, '2025-03-01');
    await first.publish([action('AAPL', '2025-03-01'), action('MSFT', '2025-03-05')]);
    const restarted = target.restart();
    await new SeenActionsSink(restarted, '2025-03-04').flush();
    expect(restarted.positions.at(-1)).toEqual({ seen: [actionIdentity(action('MSFT', '2025-03-05').value as CorporateActionRecord)] });
  });

  it('commits a page of dead letters with the position at the flush', async () => {
    const target = new MemoryCheckpointedSink<SeenActions>();
    const sink = new SeenActionsSink(target, '2025-03-01');
    await sink.reject({ payload: '{}', reason: 'unknown type', source: 'alpaca' });
    expect(target.rejected).toHaveLength(0);
    await sink.flush();
    expect(target.rejected).toHaveLength(1);
  });
});
