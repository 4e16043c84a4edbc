import { finiteOrNull, type FeatureBar, type FeatureValues } from './feature-bar';
import { StateReader } from './feature-state-error';
import type { SpecOf } from './feature-set.schema';
import type { Indicator } from './indicator';
import { CompensatedSum } from './compensated-sum';
import { sameOrNextDay, type NewYorkDay } from './new-york-day';

/**
 * Session-anchored VWAP: sum(typical price × volume) / sum(volume), typical price (h + l + c) / 3
 * (technicalindicators' VWAP, which is cumulative over whatever it is given: here one session).
 * It resets when the New York trading date of the bar start changes. 'regular' counts only bars
 * that start inside that date's regular session by the exchange calendar (09:30 to 16:00, 13:00
 * on early closes, nothing on holidays); before the day's first regular volume it is null, and
 * after the close the day's value carries until the next date. 'extended' counts every bar of
 * the date, pre- and post-market included. Bars are classified by their start, so on coarse
 * bars use session-aligned ones (SessionResampler), whose 1d bar starts at the open.
 */
export class VwapIndicator implements Indicator {
  private date: string | null;
  private readonly priceVolume: CompensatedSum;
  private readonly volume: CompensatedSum;
  /** The New York date holding the last bar, its bounds and regular session, looked up once per date (derived, not state). */
  private day: NewYorkDay | null = null;

  constructor(private readonly spec: SpecOf<'vwap'>, state?: unknown) {
    if (state === undefined) {
      [this.date, this.priceVolume, this.volume] = [null, CompensatedSum.zero(), CompensatedSum.zero()];
      return;
    }
    const s = StateReader.of(state, spec.name);
    [this.date, this.priceVolume, this.volume] = [s.stringOrNull(), CompensatedSum.fromJSON(s), CompensatedSum.fromJSON(s)];
    s.end();
  }

  update(bar: FeatureBar, out: FeatureValues): void {
    const t = bar.eventTime;
    this.day = sameOrNextDay(this.day, t);
    if (this.day.date !== this.date) {
      this.date = this.day.date;
      this.priceVolume.reset();
      this.volume.reset();
    }
    if (this.counts(t) && bar.volume > 0) {
      this.priceVolume.add(((bar.high + bar.low + bar.close) / 3) * bar.volume);
      this.volume.add(bar.volume);
    }
    const volume = this.volume.value;
    out[this.spec.name] = volume > 0 ? finiteOrNull(this.priceVolume.value / volume) : null;
  }

  private counts(eventTime: number): boolean {
    if (this.spec.session === 'extended') return true;
    return eventTime >= this.day!.openUs && eventTime < this.day!.closeUs;
  }

  toJSON(): unknown[] {
    return [this.date, ...this.priceVolume.toJSON(), ...this.volume.toJSON()];
  }
}
