import fc from 'fast-check';

// Hostile parameter values for the read API fuzz test (issue 18 point 2): the Big List of
// Naughty Strings (fixtures/fuzz/blns.txt) and the families the issue names: very long strings,
// injection attempts, NUL and control characters, Unicode oddities, broken percent-encoding,
// bad and extreme dates, huge, negative, fractional and exponent limits.

/** One parameter value. `text` is percent-encoded when sent; a `raw` value goes on the wire as it is. */
export interface Value {
  text: string;
  raw?: boolean;
}

const text = (t: string): Value => ({ text: t });

/** The corpus file's strings: every line that is neither empty nor a `#` comment. */
export function corpusStrings(file: string): string[] {
  return file.split('\n').filter((line) => line !== '' && !line.startsWith('#'));
}

const INJECTIONS = [
  "' OR '1'='1", "DBB'; DROP TABLE bars;--", "1; SELECT pg_sleep(10)--", "A' AND pg_sleep(10) IS NULL--", "$1", "$$; SELECT 1; $$",
  "') UNION SELECT usename, passwd FROM pg_shadow--", "%' OR 1=1 --", "\\'; COPY bars TO '/tmp/x';--", 'A"; DELETE FROM orders;--',
  '{"$gt": ""}', '${jndi:ldap://127.0.0.1/x}', '<script>alert(1)</script>', '../../../../etc/passwd', '`id`', '$(id)', "1' WAITFOR DELAY '0:0:10'--",
];

const CONTROL = ['\u0000', 'A\u0000B', 'DBB\u0000', '\r\nX-Injected: 1', '\n', '\t', '\u001b[2J', '\u007f', '\b', '\u0085', ' DBB', 'DBB ', '   '];

const UNICODE = [
  '\u202eDBB', 'D\u200bBB', '\ufeffDBB', 'ＤＢＢ', 'DBB\u0301', 'ß', 'ﬀ', 'İ', 'ı', 'А', '😀', '👩‍👩‍👧', '\u{10ffff}', '\ufffd', '\ufffe', '٣', '５', 'Ⅻ', '\u00a0',
];

/** Not valid percent-encoding (or encoding of something odd): sent raw, so the server must decode it. */
const PERCENT_GARBAGE = [
  '%', '%%', '%ZZ', '%2', '%E0%A4%A', '%C0%AF', '%C0%80', '%ED%A0%80', '%FF%FE%FD', '%u0041', '%%32%35', '%00', '%0A%0D', '%252F', '%2e%2e%2f%2e%2e%2f',
  '%F4%90%80%80', '%E2%80%AE', '+', '++', '%20', '%3B%20DROP%20TABLE%20bars', '%3D%26%3D',
];

/** Dates the issue names: year 0 and 99999, NaN, negative epoch, a leap second, zones out of range, no zone. */
const BAD_DATES = [
  '0000-01-01T00:00:00Z', '0001-01-01T00:00:00Z', '0001-01-01T00:00:00+01:00', '9999-12-31T23:59:59Z', '9999-12-31T23:59:59-14:00', '99999-01-01T00:00:00Z',
  '+275760-09-13T00:00:00Z', '-000001-01-01T00:00:00Z', '-271821-04-20T00:00:00Z', 'NaN', 'Infinity', '-1', '0', '1719840600000', '-62198755200000',
  '1969-12-31T23:59:59Z', '1899-12-31T23:59:59.999Z', '1900-01-01T00:00:00+00:01', '9999-01-01T00:00:00.001Z', '9998-12-31T23:59:59-00:01', '2016-12-31T23:59:60Z', '2023-02-29T00:00:00Z', '2024-02-29T00:00:00Z', '2024-04-31T00:00:00Z', '2024-07-01T24:00:00Z',
  '2024-07-01T13:30:00+99:99', '2024-07-01T13:30:00+24:00', '2024-07-01T13:30:00-00:60', '2024-07-01T13:30:00+1400', '2024-07-01T13:30:00',
  '2024-07-01 13:30:00Z', '2024-07-01', '2024-07-01T13:30:00.123456789012Z', '2024-07-01T13:30:00ZZ', '2024-07-01T13:30Z', 'T', 'now', 'yesterday',
  '2024-W27-1T13:30:00Z', '2024-183T13:30:00Z', '१९७०-०१-०१T00:00:00Z',
];

const BAD_NUMBERS = [
  '0', '-1', '-0', '1.5', '0.0001', '1e3', '1e309', '-1e309', 'Infinity', '-Infinity', 'NaN', '0x10', '0b11', '0o7', ' 5', '5 ', '+5', '05',
  '9007199254740993', '99999999999999999999999', '1_000', '1,000', '١٢', '５', '1e-7', '.5', '5.', 'true', 'null', '[]', '{}',
];

/** 10,000 characters and more; most stay that long on the wire, a few triple when percent-encoded (past the 16 KiB header limit). */
const longString = fc
  .tuple(fc.integer({ min: 10_000, max: 13_000 }), fc.oneof({ arbitrary: fc.constantFrom('A', 'DBB', '0', '9', '-', '.', 'x1'), weight: 6 }, { arbitrary: fc.constantFrom("'", ' ', 'DBB,', '%'), weight: 1 }))
  .map(([n, unit]) => text(unit.repeat(Math.ceil(n / unit.length)).slice(0, n)));

/** An ISO string in any year JavaScript can hold, with a zone offset JavaScript may or may not accept. */
const strangeInstant = fc
  .tuple(fc.date({ min: new Date(-8.64e15), max: new Date(8.64e15), noInvalidDate: true }), fc.constantFrom('+', '-'), fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 99 }), fc.boolean())
  .map(([d, sign, hh, mm, zoned]) => {
    const iso = d.toISOString();
    return text(zoned ? iso : `${iso.slice(0, -1)}${sign}${String(hh).padStart(2, '0')}:${String(mm).padStart(2, '0')}`);
  });

/** Any Unicode text, lone surrogates made well-formed (encodeURIComponent refuses them; their raw bytes are in PERCENT_GARBAGE). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const anyText = fc.string({ unit: 'binary', maxLength: 40 }).map((s) => text(s.replace(LONE_SURROGATE, '\ufffd')));

/** Hostile text for any parameter. */
export function hostileText(corpus: readonly string[]): fc.Arbitrary<Value> {
  return fc.oneof(
    { arbitrary: fc.constantFrom(...corpus).map(text), weight: 6 },
    { arbitrary: fc.constantFrom(...INJECTIONS).map(text), weight: 2 },
    { arbitrary: fc.constantFrom(...CONTROL).map(text), weight: 1 },
    { arbitrary: fc.constantFrom(...UNICODE).map(text), weight: 1 },
    { arbitrary: fc.constantFrom(...PERCENT_GARBAGE).map((t): Value => ({ text: t, raw: true })), weight: 2 },
    { arbitrary: longString, weight: 1 },
    { arbitrary: anyText, weight: 1 },
    { arbitrary: fc.constant(text('')), weight: 1 },
  );
}

export const hostileInstant = (corpus: readonly string[]): fc.Arbitrary<Value> =>
  fc.oneof({ arbitrary: fc.constantFrom(...BAD_DATES).map(text), weight: 4 }, { arbitrary: strangeInstant, weight: 3 }, { arbitrary: hostileText(corpus), weight: 1 });

export const hostileNumber = (corpus: readonly string[]): fc.Arbitrary<Value> =>
  fc.oneof(
    { arbitrary: fc.constantFrom(...BAD_NUMBERS).map(text), weight: 4 },
    { arbitrary: fc.double().map((n) => text(String(n))), weight: 2 },
    { arbitrary: fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }).map((n) => text(String(n))), weight: 1 },
    { arbitrary: fc.integer({ min: -1_000_000, max: 1_000_000_000 }).map((n) => text(String(n))), weight: 2 },
    { arbitrary: hostileText(corpus), weight: 1 },
  );

/** A valid value in the wrong case, padded, or a near miss. */
export const hostileChoice = (values: readonly string[], corpus: readonly string[]): fc.Arbitrary<Value> =>
  fc.oneof(
    fc.constantFrom(...values).chain((v) => fc.constantFrom(v.toUpperCase(), `${v} `, ` ${v}`, `${v}\u0000`, `${v},${v}`, v.slice(0, -1), `${v}x`, encodeURIComponent(v) + '%')).map(text),
    hostileText(corpus),
  );

/** Values for a symbol list: valid tickers joined with hostile separators and members, or too many. */
export const hostileList = (valid: fc.Arbitrary<string>, corpus: readonly string[]): fc.Arbitrary<Value> =>
  fc.oneof(
    fc.array(fc.oneof(valid, hostileText(corpus).map((v) => v.text)), { minLength: 1, maxLength: 6 }).map((parts) => text(parts.join(','))),
    fc.integer({ min: 501, max: 1500 }).map((n) => text(Array.from({ length: n }, (_, i) => `S${i}`).join(','))),
    fc.constantFrom(',', ',,', ' , ', 'DBB,', ',DBB', 'DBB;DBB', 'DBB DBB').map(text),
    hostileText(corpus),
  );
