import { formatRetention, TOPIC_RETENTION_VARIABLE, TOPICS, valueSubject, type TopicSpec } from '@md/contracts';
import { TOPIC_IDENTITY } from './topic-identity';

// An AsyncAPI 3.0.0 document (https://www.asyncapi.com/docs/reference/specification/v3.0.0) of
// every topic, built from the topic table and the Avro schemas passed in: no I/O here, so a test
// can build it and compare it with the committed schemas/asyncapi.yaml.

/** Multi Format Schema Object `schemaFormat` of an Avro payload (AsyncAPI 3.0.0, "Schema formats"). */
export const AVRO_SCHEMA_FORMAT = 'application/vnd.apache.avro+json;version=1.9.0';
/** Kafka bindings version whose channel binding carries topicConfiguration (asyncapi/bindings kafka 0.5.0). */
export const KAFKA_BINDING_VERSION = '0.5.0';

/** The parts of a value schema the document reads; the whole schema is embedded as the payload. */
export interface AvroRecordSchema {
  name: string;
  doc?: string;
  fields: ReadonlyArray<{ name: string }>;
  [key: string]: unknown;
}

/** A consumer group of the platform and the topics it reads (mdctl stages.ts STAGE_GROUPS). */
export interface PlatformGroup {
  service: string;
  /** The service's config variable that sets the group id. */
  variable: string;
  groupId: string;
  topics: readonly string[];
}

export interface AsyncApiSources {
  /** info.version: the workspace's version. */
  version: string;
  topics: readonly TopicSpec[];
  /** Value schemas by file name (TopicSpec.valueSchema). */
  schemas: ReadonlyMap<string, AvroRecordSchema>;
  groups: readonly PlatformGroup[];
  local: { kafkaBrokers: string; registryUrl: string };
}

type Json = Record<string, unknown>;

const INFO = `Every Kafka topic of the market-data platform: one channel per topic (address = topic name), its Avro value schema, key, partitions, retention and cleanup policy. Generated from libs/contracts/src/topics.ts and schemas/*.avsc by \`mdctl asyncapi\`: do not edit by hand.

**Wire format.** Values are in the Confluent wire format: a magic byte 0, the 4-byte big-endian schema id of a version of the subject \`<topic>-value\` (TopicNameStrategy) in the registry, then the Avro binary body. Decode with the writer schema of that id; the embedded payload schemas are the current versions (the registry enforces BACKWARD compatibility). Keys are plain UTF-8 strings, not Avro. Prices are Avro \`decimal(20,8)\` (bytes: the big-endian two's-complement unscaled value), times \`timestamp-micros\` UTC; no price is a binary float.

**Delivery semantics: exactly once per key at the sinks, at least once on the wire.** Producers are idempotent (KIP-98). The consume-transform-produce stages (preprocessor, feature-engine, quality-monitor) and the ingest jobs publish in Kafka transactions, committing their outputs with their input offsets or job position: read with \`isolation.level=read_committed\` (KafkaJS \`readUncommitted: false\`), or records of aborted transactions reach you. Records of one key stay in order within its partition. A key, and a record, may still appear more than once: a replay, a re-run backfill, a reprocess (a higher \`generation\`), a provider correction (a higher \`revision\`). Make your sink idempotent: upsert on the natural key each channel names, keep the record that wins by its rule and drop an equal one as a duplicate, and commit offsets only after your own commit. The platform's writer does exactly that.`;

const LOCAL = `The local stack (\`npm run stack -- up\`, deploy/local/stack.sh): a single-node KRaft broker, plaintext and unauthenticated, with Apicurio Registry's Confluent-compatible API. Topics there have one replica.`;

const CLUSTER = `A secured cluster: TLS plus SASL, configured by the same variables in every service and in mdctl (README "Production"): KAFKA_BROKERS, KAFKA_SSL=true, KAFKA_SSL_CA_FILE, KAFKA_SASL_MECHANISM (plain, scram-sha-256, scram-sha-512), KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD or KAFKA_SASL_PASSWORD_FILE; KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE where the brokers require mutual TLS. PLAIN is refused without TLS. The registry: SCHEMA_REGISTRY_URL with SCHEMA_REGISTRY_USERNAME/PASSWORD (HTTP Basic) or SCHEMA_REGISTRY_TOKEN (bearer), SCHEMA_REGISTRY_CA_FILE.`;

// Topics are created with replicationFactor -1, the broker's default.replication.factor
// (libs/kafka topic-admin.ts, KIP-464), so the replica count is the cluster's, not the table's:
// the channel bindings leave `replicas` out rather than state a number that is wrong somewhere.
const REPLICAS = "Replicas: the broker's default.replication.factor (1 on the local stack; 3 with min.insync.replicas 2 in production).";

// AsyncAPI 3.0.0 component and channel keys must match ^[A-Za-z0-9_.-]+$: the channel id is the
// topic's constant name in TOPICS (rawBars for md.raw.bars.v1).
const CHANNEL_IDS = new Map<string, string>(Object.entries(TOPICS).map(([id, name]) => [name, id]));

function channelIdOf(topic: string): string {
  const id = CHANNEL_IDS.get(topic);
  if (!id) throw new Error(`topic ${topic} has no constant in TOPICS (libs/contracts/src/topics.ts)`);
  return id;
}

const ref = (path: string) => ({ $ref: `#/${path}` });
const firstSentence = (text = '') => /^[^]*?\.(?=\s|$)/.exec(text)?.[0] ?? text;
const capitalized = (id: string) => id[0].toUpperCase() + id.slice(1);

function schemaOf(spec: TopicSpec, schemas: AsyncApiSources['schemas']): AvroRecordSchema {
  const schema = schemas.get(spec.valueSchema);
  if (!schema) throw new Error(`${spec.name}: value schema ${spec.valueSchema} was not passed in (schemas/${spec.valueSchema})`);
  const { keyField } = TOPIC_IDENTITY[spec.name];
  if (keyField && !schema.fields.some((f) => f.name === keyField)) {
    throw new Error(`${spec.name}: key field "${keyField}" (tools/mdctl/src/topic-identity.ts) is not a field of ${spec.valueSchema}`);
  }
  return schema;
}

function channelDescription(spec: TopicSpec, schema: AvroRecordSchema): string {
  const { key, identity } = TOPIC_IDENTITY[spec.name];
  const retention = spec.retentionMs < 0 ? 'kept forever' : `kept ${formatRetention(spec.retentionMs)}`;
  return [
    schema.doc ?? schema.name,
    `Key: ${key}.`,
    `Natural key (dedupe on it): ${identity}.`,
    `${spec.partitions} partition${spec.partitions === 1 ? '' : 's'}, cleanup.policy ${spec.cleanupPolicy}, ${retention} by default (${TOPIC_RETENTION_VARIABLE} may set another retention where the topics are created). ${REPLICAS}`,
  ].join('\n\n');
}

function message(spec: TopicSpec, schema: AvroRecordSchema): Json {
  return {
    name: schema.name,
    title: schema.name,
    summary: firstSentence(schema.doc),
    description: `Avro record ${schema.name}, registered as subject ${valueSubject(spec.name)}; Confluent-framed on the wire.`,
    contentType: 'application/octet-stream',
    payload: { schemaFormat: AVRO_SCHEMA_FORMAT, schema },
    bindings: {
      kafka: {
        key: { type: 'string', description: `UTF-8: ${TOPIC_IDENTITY[spec.name].key}` },
        // The id travels in the value's first bytes, Confluent framing, under <topic>-value.
        schemaIdLocation: 'payload',
        schemaIdPayloadEncoding: 'confluent',
        schemaLookupStrategy: 'TopicNameStrategy',
        bindingVersion: KAFKA_BINDING_VERSION,
      },
    },
  };
}

function channel(spec: TopicSpec, schema: AvroRecordSchema): Json {
  return {
    address: spec.name,
    title: spec.name,
    summary: firstSentence(schema.doc),
    description: channelDescription(spec, schema),
    messages: { [schema.name]: ref(`components/messages/${schema.name}`) },
    bindings: {
      kafka: {
        topic: spec.name,
        partitions: spec.partitions,
        topicConfiguration: { 'cleanup.policy': [spec.cleanupPolicy], 'retention.ms': spec.retentionMs },
        bindingVersion: KAFKA_BINDING_VERSION,
      },
    },
  };
}

/** Receive operations: one for any subscriber per channel, one per platform group that reads it. */
function operations(sources: AsyncApiSources, schemaNames: Map<string, string>): Json {
  const out: Json = {};
  for (const spec of sources.topics) {
    const id = channelIdOf(spec.name);
    const messages = [ref(`channels/${id}/messages/${schemaNames.get(spec.name)}`)];
    const readers = sources.groups.filter((g) => g.topics.includes(spec.name));
    out[`receive${capitalized(id)}`] = {
      action: 'receive',
      channel: ref(`channels/${id}`),
      title: `Subscribe to ${spec.name}`,
      summary: `Read ${spec.name} in a consumer group of your own, read_committed.`,
      description: `Consume with isolation.level=read_committed. Dedupe on ${TOPIC_IDENTITY[spec.name].identity}. Read in the platform by ${readers.length ? readers.map((g) => `${g.service} (group ${g.groupId})`).join(', ') : 'no stage: it is for subscribers and operators'}.`,
      messages,
    };
    for (const group of readers) {
      out[`${group.groupId}_${id}`] = {
        action: 'receive',
        channel: ref(`channels/${id}`),
        title: `${group.service} reads ${spec.name}`,
        summary: `The ${group.service}'s consumer group ${group.groupId} (${group.variable}), read_committed; offsets commit with its outputs or after its database commit.`,
        messages,
        bindings: { kafka: { groupId: { type: 'string', default: group.groupId, description: `set by ${group.variable}` }, bindingVersion: KAFKA_BINDING_VERSION } },
      };
    }
  }
  return out;
}

function servers(local: AsyncApiSources['local']): Json {
  const security = ['saslScramSha512', 'saslScramSha256', 'saslPlain', 'mutualTls'].map((s) => ref(`components/securitySchemes/${s}`));
  return {
    local: {
      host: local.kafkaBrokers,
      protocol: 'kafka',
      title: 'Local stack',
      description: LOCAL,
      bindings: { kafka: { schemaRegistryUrl: local.registryUrl, schemaRegistryVendor: 'apicurio', bindingVersion: KAFKA_BINDING_VERSION } },
    },
    cluster: {
      host: '{bootstrap}',
      protocol: 'kafka-secure',
      title: 'A secured cluster',
      description: CLUSTER,
      variables: { bootstrap: { default: 'kafka.example.com:9096', description: 'One of KAFKA_BROKERS (host:port of a TLS listener).' } },
      security,
      bindings: { kafka: { schemaRegistryUrl: 'https://registry.example.com/apis/ccompat/v7', schemaRegistryVendor: 'confluent', bindingVersion: KAFKA_BINDING_VERSION } },
    },
  };
}

// Security scheme types of AsyncAPI 3.0.0 ("Security Scheme Object") that match the SASL
// mechanisms and mutual TLS the services' connection config accepts (libs/config connections.ts).
const SECURITY_SCHEMES = {
  saslScramSha512: { type: 'scramSha512', description: 'SASL/SCRAM-SHA-512 over TLS: KAFKA_SASL_MECHANISM=scram-sha-512, KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD(_FILE).' },
  saslScramSha256: { type: 'scramSha256', description: 'SASL/SCRAM-SHA-256 over TLS: KAFKA_SASL_MECHANISM=scram-sha-256.' },
  saslPlain: { type: 'plain', description: 'SASL/PLAIN, accepted only with KAFKA_SSL=true (it sends the password in clear text).' },
  mutualTls: { type: 'X509', description: 'Client certificate: KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE; KAFKA_SSL_CA_FILE for the brokers\' CA.' },
};

/** The whole document, channels in TOPIC_TABLE order. */
export function buildAsyncApi(sources: AsyncApiSources): Json {
  const channels: Json = {};
  const messages: Json = {};
  const schemaNames = new Map<string, string>();
  for (const spec of sources.topics) {
    const schema = schemaOf(spec, sources.schemas);
    if (messages[schema.name]) throw new Error(`${spec.name}: message name ${schema.name} is already used by another topic`);
    schemaNames.set(spec.name, schema.name);
    channels[channelIdOf(spec.name)] = channel(spec, schema);
    messages[schema.name] = message(spec, schema);
  }
  return {
    asyncapi: '3.0.0',
    id: 'urn:md-platform:topics',
    info: { title: 'md-platform topics', version: sources.version, description: INFO, license: { name: 'Apache-2.0' } },
    defaultContentType: 'application/octet-stream',
    servers: servers(sources.local),
    channels,
    operations: operations(sources, schemaNames),
    components: { messages, securitySchemes: SECURITY_SCHEMES },
  };
}

