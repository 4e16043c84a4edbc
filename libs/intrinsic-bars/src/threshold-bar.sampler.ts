import { parseDecimal, plainDecimal, toScaled } from '@md/market';
import type { ThresholdBarSpec } from './intrinsic-bar-spec.schema';
import type { BarSampler } from './bar-sampler';
import type { OpenBar } from './open-bar';

// Tick, volume and dollar bars (AFML ch. 2.3.1): a bar closes on the trade that makes its trade
// count, shares or dollar value reach or cross the threshold. That trade goes whole into the
// closing bar: a block trade bigger than the threshold makes one big bar instead of being split
// into synthetic trades that never printed (so every bar's OHLC are real prints, and volume and
// dollar value are conserved trivially). Dollar value is compared exactly, in scaled integers.
export class ThresholdBarSampler implements BarSampler {
  private readonly dollarThreshold: bigint;

  constructor(private readonly spec: ThresholdBarSpec) {
    this.dollarThreshold = spec.kind === 'dollar' ? toScaled(parseDecimal(plainDecimal(spec.threshold))) : 0n;
  }

  observe(_t: unknown, bar: OpenBar): boolean {
    switch (this.spec.kind) {
      case 'tick':
        return bar.ticks >= this.spec.threshold;
      case 'volume':
        return bar.volume >= this.spec.threshold;
      case 'dollar':
        return bar.dollarScaled >= this.dollarThreshold;
    }
  }

  threshold(): number {
    return this.spec.threshold;
  }

  barClosed(): void {
    // Fixed thresholds: nothing to learn from a closed bar.
  }

  toJSON(): null {
    return null;
  }
}
