import { EventEmitter } from 'node:events';
import type { Consumer } from 'kafkajs';
import { ConsumerSupervisor } from './consumer-supervisor';

// The supervisor's decisions on kafkajs' consumer events: a fake consumer (an event emitter with
// kafkajs' event names) and fake timers, so "exits at once", "restarts after backoff" and "exits
// past the budget" are checked without a broker.
const EVENTS = { GROUP_JOIN: 'group_join', REQUEST: 'request', STOP: 'stop', DISCONNECT: 'disconnect', CRASH: 'crash' };

function fakeConsumer() {
  const emitter = new EventEmitter();
  const consumer = { events: EVENTS, on: (e: string, f: (...a: any[]) => void) => emitter.on(e, f), connect: jest.fn(async () => undefined) };
  return { consumer: consumer as unknown as Consumer & { connect: jest.Mock }, emit: (e: string, payload: unknown = {}) => emitter.emit(e, { payload }) };
}

const protocolError = (type: string, retriable: boolean) => Object.assign(new Error(type), { name: 'KafkaJSProtocolError', type, retriable });

describe('ConsumerSupervisor', () => {
  let exit: jest.SpyInstance;
  beforeEach(() => {
    jest.useFakeTimers();
    exit = jest.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
  });
  afterEach(() => {
    jest.useRealTimers();
    exit.mockRestore();
  });

  const supervise = (consumer: Consumer) => {
    const run = jest.fn(async () => undefined);
    const close = jest.fn(async () => undefined);
    const supervisor = new ConsumerSupervisor(consumer, { stage: 'test', outageBudgetMs: 60_000, backoff: { initialMs: 100, maxMs: 1000 }, maxWaitTimeInMs: 5000, run, close });
    return { supervisor, run, close };
  };

  it('exits at once when the producer is fenced, after closing the producers', async () => {
    const { consumer, emit } = fakeConsumer();
    const { close, run } = supervise(consumer);
    emit(EVENTS.CRASH, { error: protocolError('INVALID_PRODUCER_EPOCH', false), restart: false });
    await jest.advanceTimersByTimeAsync(0);
    expect(close).toHaveBeenCalled();
    expect(exit).toHaveBeenCalledWith(1);
    expect(run).not.toHaveBeenCalled();
  });

  it('runs the consumer again after a backoff when kafkajs gave up for a reason that clears (a coordinator gone)', async () => {
    const { consumer, emit } = fakeConsumer();
    const { run, supervisor } = supervise(consumer);
    emit(EVENTS.GROUP_JOIN);
    expect(supervisor.ready()).toBe(true);
    emit(EVENTS.CRASH, { error: Object.assign(new Error('Failed to find group coordinator'), { name: 'KafkaJSGroupCoordinatorNotFound', retriable: false }), restart: false });
    expect(supervisor.ready()).toBe(false);
    await jest.advanceTimersByTimeAsync(2000);
    expect(consumer.connect).toHaveBeenCalledTimes(1);
    expect(run).toHaveBeenCalledTimes(1);
    expect(exit).not.toHaveBeenCalled();
  });

  it('leaves a crash kafkajs restarts itself to kafkajs, and exits on a crash that is a bug', async () => {
    const { consumer, emit } = fakeConsumer();
    const { run } = supervise(consumer);
    emit(EVENTS.CRASH, { error: protocolError('REQUEST_TIMED_OUT', true), restart: true });
    await jest.advanceTimersByTimeAsync(5000);
    expect(run).not.toHaveBeenCalled();
    expect(exit).not.toHaveBeenCalled();
    emit(EVENTS.CRASH, { error: new TypeError('cannot read properties of undefined'), restart: false });
    await jest.advanceTimersByTimeAsync(0);
    expect(exit).toHaveBeenCalledWith(1);
  });

  it('exits once out of its group for longer than the outage budget, not before', async () => {
    const { consumer, emit } = fakeConsumer();
    const { supervisor } = supervise(consumer);
    supervisor.watch();
    emit(EVENTS.GROUP_JOIN);
    emit(EVENTS.DISCONNECT);
    await jest.advanceTimersByTimeAsync(59_000);
    expect(exit).not.toHaveBeenCalled();
    await jest.advanceTimersByTimeAsync(3_000);
    expect(exit).toHaveBeenCalledWith(1);
    supervisor.stop();
  });
});
