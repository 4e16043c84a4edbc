import type { CleanBar } from '@md/contracts';
import { toIso } from '@md/storage';

// The bars as Kafka Connect's JsonConverter reads them with schemas.enable=true: each message is
// {"schema": …, "payload": …} (https://kafka.apache.org/41/documentation/#connect_configuring,
// org.apache.kafka.connect.json.JsonConverter). JSON rather than the platform's Avro because
// Confluent's AvroConverter (io.confluent:kafka-connect-avro-converter) is not on Maven Central,
// only in Confluent's own repository; JsonConverter ships with Kafka. The key is the table's
// primary key struct, so the sink's primary.key.mode=record_key upserts on (symbol, timeframe, time).
//
// Types follow the platform's `bars` table (libs/storage/src/migrations/0001-bars.migration.ts),
// so the rows equal those of the platform's COPY (barsCopyText):
// - numeric(20,8): Connect's Decimal logical type (scale 8). Its value is written as a JSON
//   number carrying the bar's decimal string verbatim; JsonConverter reads numbers as exact
//   BigDecimals (KIP-481), which the sink binds as numeric, so no binary float touches a price.
// - timestamptz: Debezium's io.debezium.time.ZonedTimestamp, an ISO-8601 string with offset, which
//   the JDBC sink binds as timestamp with time zone (Debezium JDBC sink docs, "Data type mappings").
//   Connect's own Timestamp type holds milliseconds only and would cut ingest_time's microseconds.
//   The strings come from toIso, the function the platform's COPY uses.
// - bigint: int64; double precision: float64; text: string. stored_at keeps its default, now().

type FieldSchema = { field: string; type: string; optional?: true; name?: string; parameters?: Record<string, string> };

const text = (field: string): FieldSchema => ({ field, type: 'string' });
const int64 = (field: string, optional?: true): FieldSchema => ({ field, type: 'int64', optional });
const float64 = (field: string): FieldSchema => ({ field, type: 'double' });
const zonedTimestamp = (field: string): FieldSchema => ({ field, type: 'string', name: 'io.debezium.time.ZonedTimestamp' });
const numeric = (field: string, optional?: true): FieldSchema => ({ field, type: 'bytes', optional, name: 'org.apache.kafka.connect.data.Decimal', parameters: { scale: '8' } });

const KEY_FIELDS = [text('symbol'), text('timeframe'), zonedTimestamp('time')];
const VALUE_FIELDS = [
  ...KEY_FIELDS, numeric('open'), numeric('high'), numeric('low'), numeric('close'), int64('volume'), int64('trade_count', true),
  numeric('vwap', true), text('session'), float64('split_factor'), float64('dividend_factor'), text('provider'), int64('revision'),
  zonedTimestamp('ingest_time'), int64('generation'),
];

// The schema travels in every message, so it says no more than the sink needs: `optional` absent
// means required (JsonConverter#asConnectSchema), and the structs go unnamed.
const KEY_SCHEMA = JSON.stringify({ type: 'struct', fields: KEY_FIELDS });
const VALUE_SCHEMA = JSON.stringify({ type: 'struct', fields: VALUE_FIELDS });

/** The table's columns the messages carry, in message order (for checking rows against the platform's). */
export const CONNECT_BAR_COLUMNS = VALUE_FIELDS.map((f) => f.field);

const DECIMAL = /^-?\d+(\.\d+)?$/;

/** A price as a JSON number token, its digits as the bar has them. */
function decimal(value: string, column: string): string {
  if (!DECIMAL.test(value)) throw new Error(`bar ${column} '${value}' is not a plain decimal; the Connect peer writes prices as JSON numbers`);
  return value;
}

const optionalDecimal = (value: string | null, column: string) => (value === null ? 'null' : decimal(value, column));
const str = JSON.stringify;

/** The message key: the primary key struct. */
export function barKeyJson(b: CleanBar): string {
  return `{"schema":${KEY_SCHEMA},"payload":{"symbol":${str(b.symbol)},"timeframe":${str(b.timeframe)},"time":"${toIso(b.eventTime)}"}}`;
}

/** The message value: every column the platform's COPY writes. */
export function barValueJson(b: CleanBar): string {
  const payload = `{"symbol":${str(b.symbol)},"timeframe":${str(b.timeframe)},"time":"${toIso(b.eventTime)}",` +
    `"open":${decimal(b.open, 'open')},"high":${decimal(b.high, 'high')},"low":${decimal(b.low, 'low')},"close":${decimal(b.close, 'close')},` +
    `"volume":${b.volume},"trade_count":${b.tradeCount ?? 'null'},"vwap":${optionalDecimal(b.vwap, 'vwap')},"session":${str(b.session)},` +
    `"split_factor":${b.splitFactor},"dividend_factor":${b.dividendFactor},"provider":${str(b.provider)},"revision":${b.revision},` +
    `"ingest_time":"${toIso(b.ingestTime)}","generation":${b.generation ?? 0}}`;
  return `{"schema":${VALUE_SCHEMA},"payload":${payload}}`;
}
