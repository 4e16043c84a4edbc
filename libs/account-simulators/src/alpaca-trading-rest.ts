import type { IncomingMessage, ServerResponse } from 'node:http';
import { BadRequest } from '@md/simulators';
import { TradingRuleError, type AlpacaTradingLedger, type ReplaceRequest, type SubmitRequest } from './alpaca-trading-ledger';
import { includesFills, listFills, listOrders } from './alpaca-trading-query';
import { CLOSED_STATUSES, assetIdOf, decimal, fillJson, orderJson, positionJson, stamp, type OrderSide, type OrderType, type TimeInForce } from './alpaca-trading-wire';

// The Trading API routes of a paper account (docs.alpaca.markets, "Trading API" reference):
//   GET /v2/account                                   the account (the fields a connector reads)
//   GET|POST|DELETE /v2/orders, GET /v2/orders:by_client_order_id   DELETE cancels every open order (207, one answer each)
//   GET|PATCH|DELETE /v2/orders/{order_id}             PATCH replaces (200, the new order); DELETE 204
//   GET /v2/positions, GET /v2/positions/{symbol_or_asset_id}
//   GET /v2/account/activities[/{activity_type}]      FILL activities, cursor-paged
// Keys on every call (APCA-API-KEY-ID / APCA-API-SECRET-KEY). Errors are JSON {code, message} as
// Alpaca writes them: 400 a bad query parameter or body, 401 wrong keys, 403 no keys, 404 no such
// order, position or route, 422 an order Alpaca would refuse.

export interface TradingRestOptions {
  keyId: string;
  secretKey: string;
  accountId: string;
  accountNumber: string;
  createdAtUs: number;
  initialCash: number;
}

interface Answer {
  status: number;
  /** Undefined: no content (204). */
  body?: unknown;
}

type Body = Record<string, unknown>;

/** Request bodies are orders: a megabyte is plenty. */
const MAX_BODY_BYTES = 1 << 20;
const NOT_FOUND: Answer = { status: 404, body: { code: 40410000, message: 'endpoint not found' } };
const invalid = (message: string) => new TradingRuleError(422, 40010001, message);
const ok = (body: unknown): Answer => ({ status: 200, body });

export class AlpacaTradingRest {
  /** Answers by status code, e.g. { 200: 12, 401: 1 }. */
  readonly statuses: Record<number, number> = {};

  constructor(private readonly ledger: AlpacaTradingLedger, private readonly options: TradingRestOptions) {}

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let answer: Answer;
    try {
      answer = this.refusal(req) ?? this.answer(req, new URL(req.url ?? '/', 'http://localhost'), await readBody(req));
    } catch (err) {
      answer = errorAnswer(err);
    }
    this.statuses[answer.status] = (this.statuses[answer.status] ?? 0) + 1;
    if (res.destroyed) return;
    if (answer.body === undefined) return void res.writeHead(answer.status).end();
    res.writeHead(answer.status, { 'content-type': 'application/json; charset=UTF-8' }).end(JSON.stringify(answer.body));
  }

  private answer(req: IncomingMessage, url: URL, body: Body): Answer {
    const { pathname: path, searchParams: params } = url;
    const method = req.method ?? 'GET';
    const orderId = /^\/v2\/orders\/([^/:]+)$/.exec(path)?.[1];
    const position = /^\/v2\/positions\/([^/]+)$/.exec(path)?.[1];
    const activityType = /^\/v2\/account\/activities\/([^/]+)$/.exec(path)?.[1];
    if (path === '/v2/orders' && method === 'POST') return ok(orderJson(this.ledger.submit(submitRequest(body))));
    if (path === '/v2/orders' && method === 'DELETE') return { status: 207, body: this.cancelAll() };
    if (orderId && method === 'PATCH') return ok(orderJson(this.ledger.replace(decodeURIComponent(orderId), replaceRequest(body))));
    if (orderId && method === 'DELETE') {
      this.ledger.cancel(decodeURIComponent(orderId));
      return { status: 204 };
    }
    if (method !== 'GET') return path.startsWith('/v2/') ? { status: 405, body: { code: 40510000, message: 'method not allowed' } } : NOT_FOUND;
    if (path === '/v2/account') return ok(this.account());
    if (path === '/v2/orders') return ok(listOrders(this.ledger.orderList(), params).map(orderJson));
    if (path === '/v2/orders:by_client_order_id') return this.order(this.ledger.byClientOrderId(params.get('client_order_id') ?? ''));
    if (orderId) return this.order(this.ledger.order(decodeURIComponent(orderId)));
    if (path === '/v2/positions') return ok(this.ledger.positionList().map(positionJson));
    if (position) return this.position(decodeURIComponent(position));
    if (path === '/v2/account/activities') return ok(this.fills(params, undefined));
    if (activityType) return ok(this.fills(params, decodeURIComponent(activityType)));
    return NOT_FOUND;
  }

  /** Why the keys are refused, if they are: no keys 403 (Alpaca's gateway: {"message":"forbidden."}), wrong ones 401. */
  private refusal(req: IncomingMessage): Answer | undefined {
    const key = req.headers['apca-api-key-id'];
    const secret = req.headers['apca-api-secret-key'];
    if (key === undefined || secret === undefined) return { status: 403, body: { code: 40310000, message: 'forbidden.' } };
    if (key !== this.options.keyId || secret !== this.options.secretKey) return { status: 401, body: { code: 40110000, message: 'request is not authorized' } };
    return undefined;
  }

  /** DELETE /v2/orders: "A response will be provided for each order that is attempted to be cancelled" (HTTP 207). */
  private cancelAll() {
    const open = this.ledger.orderList().filter((o) => !CLOSED_STATUSES.includes(o.status));
    return open.map((o) => ({ id: o.id, status: 200, body: orderJson(this.ledger.cancel(o.id)) }));
  }

  private order(order: ReturnType<AlpacaTradingLedger['order']>): Answer {
    return order ? ok(orderJson(order)) : { status: 404, body: { code: 40410000, message: 'order not found' } };
  }

  private position(key: string): Answer {
    const found = this.ledger.positionList().find((p) => p.symbol === key.toUpperCase() || assetIdOf(p.symbol) === key);
    return found ? ok(positionJson(found)) : { status: 404, body: { code: 40410000, message: 'position does not exist' } };
  }

  private fills(params: URLSearchParams, pathType: string | undefined) {
    const wanted = includesFills(params, pathType);
    const page = listFills(this.ledger.fillList(), params);
    return wanted ? page.map(fillJson) : [];
  }

  /** The account at the last prices seen; a cash account (multiplier 1), so buying power is equity. */
  private account() {
    const { accountId, accountNumber, createdAtUs, initialCash } = this.options;
    const values = this.ledger.positionList().map((p) => p.qty * p.currentPrice);
    const long = values.filter((v) => v > 0).reduce((a, b) => a + b, 0);
    const short = values.filter((v) => v < 0).reduce((a, b) => a + b, 0);
    const equity = this.ledger.cash + long + short;
    return {
      id: accountId, account_number: accountNumber, status: 'ACTIVE', crypto_status: 'ACTIVE', currency: 'USD',
      cash: decimal(this.ledger.cash), portfolio_value: decimal(equity), equity: decimal(equity), last_equity: decimal(initialCash),
      long_market_value: decimal(long), short_market_value: decimal(short), buying_power: decimal(Math.max(0, equity)),
      regt_buying_power: decimal(Math.max(0, equity)), non_marginable_buying_power: decimal(Math.max(0, this.ledger.cash)), multiplier: '1',
      initial_margin: '0', maintenance_margin: '0', last_maintenance_margin: '0', sma: '0', daytrade_count: 0,
      pattern_day_trader: false, trading_blocked: false, transfers_blocked: false, account_blocked: false, trade_suspended_by_user: false,
      shorting_enabled: true, created_at: stamp(createdAtUs),
    };
  }
}

function errorAnswer(err: unknown): Answer {
  if (err instanceof TradingRuleError) return { status: err.status, body: { code: err.code, message: err.message } };
  if (err instanceof BadRequest) return { status: 400, body: { code: 40010000, message: err.message } };
  // A fault of the simulator itself: answered, so the client fails at once instead of waiting out its timeout.
  return { status: 500, body: { code: 50010000, message: `internal server error: ${String(err)}` } };
}

async function readBody(req: IncomingMessage): Promise<Body> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new BadRequest('request body too large');
    chunks.push(chunk as Buffer);
  }
  if (size === 0) return {};
  try {
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    if (body !== null && typeof body === 'object' && !Array.isArray(body)) return body as Body;
  } catch {
    // answered below
  }
  throw new BadRequest('request body format is invalid');
}

/** A decimal given as a JSON number or string, as Alpaca takes qty and prices. */
function amount(body: Body, name: string): number | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  throw invalid(`invalid ${name}: ${JSON.stringify(value)}`);
}

const text = (body: Body, name: string) => (body[name] === undefined || body[name] === null ? undefined : String(body[name]));

function unsupported(body: Body): void {
  if (body.notional != null) throw invalid('notional orders are not supported by the simulator');
  for (const name of ['stop_price', 'trail_price', 'trail_percent', 'take_profit', 'stop_loss', 'legs']) {
    if (body[name] != null) throw invalid(`${name} is not supported by the simulator`);
  }
  if (body.order_class != null && body.order_class !== 'simple' && body.order_class !== '') throw invalid(`unsupported order_class: ${body.order_class}`);
}

/** POST /v2/orders: symbol, qty, side, type and time_in_force are required ("Create an Order"). */
function submitRequest(body: Body): SubmitRequest {
  unsupported(body);
  for (const name of ['symbol', 'qty', 'side', 'type', 'time_in_force']) if (body[name] === undefined || body[name] === null) throw invalid(`${name} is required`);
  return {
    symbol: text(body, 'symbol')!, qty: amount(body, 'qty')!, side: text(body, 'side') as OrderSide, type: text(body, 'type') as OrderType,
    timeInForce: text(body, 'time_in_force') as TimeInForce, limitPrice: amount(body, 'limit_price'), clientOrderId: text(body, 'client_order_id'),
    extendedHours: body.extended_hours === true,
  };
}

/** PATCH /v2/orders/{id}: qty, limit_price, time_in_force, client_order_id ("Replace an Order"). */
function replaceRequest(body: Body): ReplaceRequest {
  unsupported(body);
  return { qty: amount(body, 'qty'), limitPrice: amount(body, 'limit_price'), timeInForce: text(body, 'time_in_force') as TimeInForce | undefined, clientOrderId: text(body, 'client_order_id') };
}
