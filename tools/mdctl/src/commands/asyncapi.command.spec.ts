import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { Parser } from '@asyncapi/parser';
import { parse } from 'yaml';
import { TOPIC_TABLE } from '@md/contracts';
import { loadSchemaFile } from '@md/kafka';
import { runMdctl } from '../program';
import { workspaceRoot } from '../workspace-root';
import { ASYNCAPI_FILE, asyncApiYaml, REGENERATE } from './asyncapi.command';

const committedPath = join(workspaceRoot(), ASYNCAPI_FILE);
const committed = readFileSync(committedPath, 'utf8');
const doc = parse(committed) as {
  channels: Record<string, { address: string; messages: Record<string, { $ref: string }>; bindings: { kafka: { partitions: number; topicConfiguration: Record<string, unknown> } } }>;
  components: { messages: Record<string, { payload: { schemaFormat: string; schema: unknown }; bindings: { kafka: { key: { type: string } } } }> };
};

// DiagnosticSeverity of @stoplight/types, which the parser reports with: 0 is Error.
const ERROR = 0;

async function errorsOf(text: string): Promise<string[]> {
  const { diagnostics } = await new Parser().parse(text);
  return diagnostics.filter((d) => d.severity === ERROR).map((d) => `${d.code} at ${d.path.join('.')}: ${d.message}`);
}

describe(`the committed ${ASYNCAPI_FILE}`, () => {
  it('is a valid AsyncAPI 3.0.0 document: @asyncapi/parser reports no error', async () => {
    expect(await errorsOf(committed)).toEqual([]);
  });

  it('would be refused by the same parser if a binding broke the kafka bindings schema (the check above can fail)', async () => {
    const broken = parse(committed);
    broken.channels.bars.bindings.kafka.partitions = 0;
    expect((await errorsOf(JSON.stringify(broken))).join('\n')).toMatch(/partitions.*>= 1/);
  });

  it('has exactly one channel per topic of TOPIC_TABLE, addressed by the topic name', () => {
    expect(Object.values(doc.channels).map((c) => c.address).sort()).toEqual(TOPIC_TABLE.map((t) => t.name).sort());
  });

  it("gives each channel the table's partitions, retention.ms and cleanup.policy", () => {
    for (const spec of TOPIC_TABLE) {
      const kafka = Object.values(doc.channels).find((c) => c.address === spec.name)!.bindings.kafka;
      expect({ topic: spec.name, partitions: kafka.partitions, config: kafka.topicConfiguration })
        .toEqual({ topic: spec.name, partitions: spec.partitions, config: { 'retention.ms': spec.retentionMs, 'cleanup.policy': [spec.cleanupPolicy] } });
    }
  });

  it("carries each topic's Avro value schema, as schemas/ has it, with a string key", () => {
    for (const spec of TOPIC_TABLE) {
      const channel = Object.values(doc.channels).find((c) => c.address === spec.name)!;
      const [ref] = Object.values(channel.messages).map((m) => m.$ref);
      const message = doc.components.messages[ref.replace('#/components/messages/', '')];
      expect(message.payload).toEqual({ schemaFormat: 'application/vnd.apache.avro+json;version=1.9.0', schema: loadSchemaFile(spec.valueSchema) });
      expect(message.bindings.kafka.key.type).toBe('string');
    }
  });

  it('is what the generator produces now (no drift from the topic table or the schemas)', () => {
    const generated = asyncApiYaml();
    if (generated !== committed) throw new Error(`${ASYNCAPI_FILE} is out of date with libs/contracts/src/topics.ts or schemas/*.avsc: regenerate it with \`${REGENERATE}\` and commit it`);
  });
});

describe('mdctl asyncapi', () => {
  let dir: string;
  const io = () => ({ out: new PassThrough(), err: new PassThrough() });
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'mdctl-asyncapi-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the document to --out', async () => {
    const out = join(dir, 'asyncapi.yaml');
    expect(await runMdctl(['asyncapi', '--out', out], io())).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(asyncApiYaml());
  });

  it('--check exits 0 on the committed file and 1 on a stale one, naming the command that regenerates it', async () => {
    expect(await runMdctl(['asyncapi', '--check'], io())).toBe(0);
    const stale = join(dir, 'asyncapi.yaml');
    writeFileSync(stale, committed.replace('partitions: 6', 'partitions: 12'));
    const streams = io();
    expect(await runMdctl(['asyncapi', '--check', '--out', stale], streams)).toBe(1);
    expect(String(streams.err.read())).toContain(REGENERATE);
  });
});
