import { fromScaled } from '@md/market';
import type { IntrinsicTrade } from './intrinsic-bar';

// Test-only helpers (not exported from the lib): synthetic trade streams with known signs and
// sizes. Prices are whole cents, like real prints. The real SPY day is checked in libs/testing.

const T0 = 1_381_152_600_000_000; // 2013-10-07 13:30:00 UTC in micros (09:30 New York)

export function trade(cents: number, size: number, i = 0, extra: Partial<IntrinsicTrade> = {}): IntrinsicTrade {
  return {
    symbol: 'SPY',
    provider: 'test',
    eventTime: T0 + i * 1000,
    ingestTime: T0 + i * 1000 + 50,
    price: fromScaled(BigInt(cents) * 1_000_000n),
    size,
    ...extra,
  };
}

/** A stream from price moves in cents (+1 up, -1 down, 0 unchanged) and sizes, starting at $100. */
export function streamOf(moves: number[], sizes: number[] | number): IntrinsicTrade[] {
  let cents = 10_000;
  return moves.map((move, i) => {
    cents = Math.max(1, cents + move);
    return trade(cents, Array.isArray(sizes) ? sizes[i % sizes.length] : sizes, i);
  });
}
