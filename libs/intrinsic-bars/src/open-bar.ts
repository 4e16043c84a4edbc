import type { IntrinsicBarRecord } from '@md/contracts';
import { fromScaled, toScaled } from '@md/market';
import type { IntrinsicTrade } from './intrinsic-bar';

/** A trade with its price checked once: canonical decimal string and the same value scaled by 10^8. */
export interface PricedTrade {
  readonly trade: IntrinsicTrade;
  readonly price: string;
  readonly scaled: bigint;
}

/** The open bar as JSON: bigints as decimal digit strings, prices as their decimal strings. */
export interface OpenBarState {
  ticks: number;
  volume: number;
  /** Sum of price x size, scaled by 10^8, as integer digits. */
  dollarScaled: string;
  open: string;
  high: string;
  low: string;
  close: string;
  openTime: number;
  /** The newest trade's symbol, provider, event and ingest time. */
  symbol: string;
  provider: string;
  closeTime: number;
  ingestTime: number;
}

// The bar being built: OHLC kept as the traded decimal strings (compared as scaled bigints, never
// as floats), volume as a whole number, and dollar value summed exactly as scaled integers so a
// day's bars add up to the day's total to the cent; it becomes a double only in the record.
export class OpenBar {
  private state: OpenBarState | null;
  private high = 0n;
  private low = 0n;
  private dollar = 0n;

  constructor(state: OpenBarState | null = null) {
    this.state = state && { ...state };
    if (state) {
      this.high = toScaled(state.high);
      this.low = toScaled(state.low);
      this.dollar = BigInt(state.dollarScaled);
    }
  }

  get ticks(): number {
    return this.state?.ticks ?? 0;
  }

  get volume(): number {
    return this.state?.volume ?? 0;
  }

  /** Dollar value scaled by 10^8, exact. */
  get dollarScaled(): bigint {
    return this.dollar;
  }

  add(t: PricedTrade): void {
    const { size, symbol, provider, eventTime, ingestTime } = t.trade;
    this.dollar += t.scaled * BigInt(size);
    const s = this.state;
    if (!s) {
      this.state = { ticks: 1, volume: size, dollarScaled: '', open: t.price, high: t.price, low: t.price, close: t.price, openTime: eventTime, symbol, provider, closeTime: eventTime, ingestTime };
      this.high = this.low = t.scaled;
      return;
    }
    s.symbol = symbol;
    s.provider = provider;
    s.closeTime = eventTime;
    s.ingestTime = ingestTime;
    s.ticks += 1;
    s.volume += size;
    s.close = t.price;
    if (t.scaled > this.high) {
      this.high = t.scaled;
      s.high = t.price;
    } else if (t.scaled < this.low) {
      this.low = t.scaled;
      s.low = t.price;
    }
  }

  /** The bar as it stands, its newest trade as the close; null when no trade is in it. */
  toBar(kind: string, seq: number, threshold: number): IntrinsicBarRecord | null {
    const s = this.state;
    if (!s) return null;
    return {
      symbol: s.symbol,
      kind,
      seq,
      provider: s.provider,
      openTime: s.openTime,
      closeTime: s.closeTime,
      // Known when its closing trade is: the point-in-time stamp of the bar.
      availableTime: s.closeTime,
      generation: 0,
      ingestTime: s.ingestTime,
      open: s.open,
      high: s.high,
      low: s.low,
      close: s.close,
      volume: s.volume,
      // Number() of the exact decimal text rounds once, correctly; summing doubles per trade would not.
      dollarValue: Number(fromScaled(this.dollar)),
      ticks: s.ticks,
      threshold,
    };
  }

  reset(): void {
    this.state = null;
    this.dollar = 0n;
  }

  toJSON(): OpenBarState | null {
    return this.state && { ...this.state, dollarScaled: this.dollar.toString() };
  }
}
