import { Controller, Get, Inject, Param, Query, UseFilters } from '@nestjs/common';
import { CONFIG } from '@md/config';
import { BadQueryFilter, parseQuery } from '@md/observability';
import { orderHistory, queryExecutions, queryOrders, queryPositions, queryRiskEvents, querySignals } from '@md/trading-store';
import type { WriterConfig } from './config';
import { StorageService } from './storage.service';
import { executionsQuery, orderIdParam, orderIdQuery, ordersQuery, positionsQuery, riskEventsQuery, signalsQuery } from './trading-api.schemas';

/** Read API over the trading tables (issue 17): bounded, validated, every value a bound parameter. */
@Controller('v1')
@UseFilters(BadQueryFilter)
export class TradingApiController {
  constructor(@Inject(CONFIG) private readonly config: WriterConfig, private readonly storage: StorageService) {}

  /** Orders whose latest event is in [from, to), newest first, with their current state. */
  @Get('orders')
  async orders(@Query() query: unknown) {
    const q = parseQuery(ordersQuery(this.config.MAX_QUERY_ROWS), query);
    const rows = await queryOrders(this.storage.db, this.storage.schema, { ...q, accountAlias: q.account });
    return { count: rows.length, truncated: rows.length === q.limit, orders: rows };
  }

  /** One order's history (every state, in order) and its fills. */
  @Get('orders/:orderId')
  async order(@Param('orderId') orderId: string, @Query() query: unknown) {
    const id = parseQuery(orderIdParam, { orderId }).orderId;
    const q = parseQuery(orderIdQuery(this.config.MAX_QUERY_ROWS), query);
    return { orderId: id, ...(await orderHistory(this.storage.db, this.storage.schema, id, q.limit)) };
  }

  @Get('executions')
  async executions(@Query() query: unknown) {
    const q = parseQuery(executionsQuery(this.config.MAX_QUERY_ROWS), query);
    const rows = await queryExecutions(this.storage.db, this.storage.schema, { ...q, accountAlias: q.account });
    return { count: rows.length, truncated: rows.length === q.limit, executions: rows };
  }

  /** Open positions (closed=true adds the closed ones), marked to the latest stored bar close. */
  @Get('positions')
  async positions(@Query() query: unknown) {
    const q = parseQuery(positionsQuery(this.config.MAX_QUERY_ROWS), query);
    const rows = await queryPositions(this.storage.db, this.storage.schema, { accountAlias: q.account, symbol: q.symbol, includeClosed: q.closed, limit: q.limit });
    return { count: rows.length, truncated: rows.length === q.limit, positions: rows };
  }

  @Get('signals')
  async signals(@Query() query: unknown) {
    const q = parseQuery(signalsQuery(this.config.MAX_QUERY_ROWS), query);
    const rows = await querySignals(this.storage.db, this.storage.schema, q);
    return { symbol: q.symbol, count: rows.length, truncated: rows.length === q.limit, signals: rows };
  }

  @Get('risk-events')
  async riskEvents(@Query() query: unknown) {
    const q = parseQuery(riskEventsQuery(this.config.MAX_QUERY_ROWS), query);
    const rows = await queryRiskEvents(this.storage.db, this.storage.schema, { ...q, minSeverity: q.severity });
    return { count: rows.length, truncated: rows.length === q.limit, riskEvents: rows };
  }
}
