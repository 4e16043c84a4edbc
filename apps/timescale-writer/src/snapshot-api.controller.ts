import { Controller, Get, Inject, Query, UseFilters } from '@nestjs/common';
import { CONFIG } from '@md/config';
import { TOPICS } from '@md/contracts';
import { BadQueryFilter, parseQuery } from '@md/observability';
import { barsSnapshot } from '@md/storage';
import type { WriterConfig } from './config';
import { snapshotQuery } from './read-api.schemas';
import { StorageService } from './storage.service';

// Far enough that "to the end of what is stored" needs no second parameter.
const END_OF_TIME = new Date('9999-01-01T00:00:00Z');

/**
 * The stored bars of a symbol with the md.bars.v1 offsets they cover (snapshot-then-tail, the
 * client package's snapshotThenTail): rows in md.bars.v1's own shape, at their latest revision,
 * and per partition the offset to tail from. Pages: ask again from the last bar's eventTime + 1 µs;
 * tail from the FIRST page's offsets (a later page may hold rows past them, which the client
 * drops by revision, but never misses one).
 */
@Controller('v1')
@UseFilters(BadQueryFilter)
export class SnapshotApiController {
  constructor(@Inject(CONFIG) private readonly config: WriterConfig, private readonly storage: StorageService) {}

  @Get('bars/snapshot')
  async bars(@Query() query: unknown) {
    const q = parseQuery(snapshotQuery(this.config.MAX_QUERY_ROWS), query);
    const snapshot = await barsSnapshot(this.storage.db, this.storage.schema, {
      groupId: this.config.GROUP_ID, topic: TOPICS.bars, symbol: q.symbol, timeframe: q.timeframe, from: q.from, to: q.to ?? END_OF_TIME, limit: q.limit,
    });
    return {
      symbol: q.symbol, timeframe: q.timeframe, topic: TOPICS.bars, groupId: this.config.GROUP_ID, offsets: snapshot.offsets,
      count: snapshot.bars.length, truncated: snapshot.bars.length === q.limit, bars: snapshot.bars,
    };
  }
}
