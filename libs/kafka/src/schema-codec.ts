import { COMPATIBILITY, SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { Logger } from '@nestjs/common';
import type { RegistryConnection } from '@md/config';
import { registryHttp, type RegistryHttp } from './registry-http';
import { valueSchemaOf } from './schemas';
import { InvalidRecordError, MdError, TOPIC_TABLE, type TopicName, TransientError, valueSubject } from '@md/contracts';
import { DecimalType } from './avro-decimal';
import { backoffDelay, sleep } from './backoff';
import { ccompatSubjectVersions } from './schema-id-versions';
import { WriterSchemaGuard, type SubjectVersionsOf } from './writer-schema-guard';

const REGISTRY_TIMEOUT_MS = 10_000;
const REGISTER_ATTEMPTS = 5;

/**
 * The registry client has no request timeout; seen here: a registration answered 200 by
 * Apicurio whose response never reached the client, which then waited forever. Every call is
 * raced against a deadline and a late answer becomes a TransientError (registration and schema
 * look-ups are idempotent, so the caller retries).
 */
async function withDeadline<T>(work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TransientError(`schema registry did not answer ${what} within ${REGISTRY_TIMEOUT_MS} ms`)), REGISTRY_TIMEOUT_MS);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** The registry client's requests carry the Authorization header (Basic or Bearer, registryHttp). */
type Middleware = NonNullable<ConstructorParameters<typeof SchemaRegistry>[0]['middlewares']>[number];
const authorize = (http: RegistryHttp): Middleware => () => ({
  request: (req) => req.enhance({ headers: { authorization: http.authorization! } }),
});

// Node's codes for a server certificate the client does not trust (tls.connect, checkServerIdentity).
const CERTIFICATE_CODES = /^(SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT(_LOCALLY)?|CERT_HAS_EXPIRED|CERT_NOT_YET_VALID|ERR_TLS_CERT_ALTNAME_INVALID)$/;

/** What to fix when the registry refuses us (HTTP 401/403, RFC 9110 15.5.2/15.5.4) or we refuse its certificate. */
function refusal(err: unknown, base: string): string | undefined {
  const e = err as { status?: number; code?: string; cause?: { code?: string }; message?: string };
  if (e?.status === 401 || e?.status === 403) {
    return `schema registry at ${base} refused us (HTTP ${e.status}): check SCHEMA_REGISTRY_USERNAME and SCHEMA_REGISTRY_PASSWORD, or SCHEMA_REGISTRY_TOKEN`;
  }
  const code = e?.code ?? e?.cause?.code;
  // mappersmith turns a failed TLS handshake into a status-400 ResponseError carrying Node's message.
  if ((code && CERTIFICATE_CODES.test(code)) || /certificate|self[- ]signed|unable to verify/i.test(e?.message ?? '')) {
    return `schema registry at ${base}: its TLS certificate is not trusted (${e.message ?? code}): check SCHEMA_REGISTRY_CA_FILE and the URL's host`;
  }
  return undefined;
}

export interface SchemaCodecOptions {
  /** Where a schema id is registered; default: the registry's GET /schemas/ids/{id}/versions. */
  subjectVersions?: SubjectVersionsOf;
}

/**
 * Avro values in the Confluent wire format (magic byte, schema id, body) through a
 * Confluent-compatible registry (Apicurio's /apis/ccompat/v7 here). Writers register their
 * topic's schema once at start and encode with that id; readers decode by the id in the
 * message, so an evolved writer schema is read without redeploying readers, but only an id that
 * is a registered version of the topic's subject (WriterSchemaGuard).
 */
export class SchemaCodec {
  private readonly logger = new Logger(SchemaCodec.name);
  readonly registry: SchemaRegistry;
  private readonly ids = new Map<string, number>();
  private readonly guard: WriterSchemaGuard;
  private readonly base: string;
  private lastRefusal?: string;

  /** `registry`: the URL of a local, open registry, or the connection from config (registryConnectionOf). */
  constructor(registry: RegistryConnection | string, options: SchemaCodecOptions = {}) {
    const http = registryHttp(registry);
    this.base = http.base;
    this.registry = new SchemaRegistry(
      { host: http.base, retry: { retries: 3 }, agent: http.agent, middlewares: http.authorization ? [authorize(http)] : [] },
      { [SchemaType.AVRO]: { logicalTypes: { decimal: DecimalType } } },
    );
    this.guard = new WriterSchemaGuard(options.subjectVersions ?? ccompatSubjectVersions(http, REGISTRY_TIMEOUT_MS));
  }

  /** Registers the value schema of `topic` (BACKWARD) and remembers its id. */
  async registerTopic(topic: TopicName): Promise<number> {
    const subject = valueSubject(topic);
    const schema = JSON.stringify(valueSchemaOf(topic));
    let id: number | undefined;
    for (let attempt = 0; id === undefined; attempt++) {
      try {
        ({ id } = await withDeadline(
          this.registry.register({ type: SchemaType.AVRO, schema }, { subject, compatibility: COMPATIBILITY.BACKWARD }),
          `registering ${subject}`,
        ));
      } catch (err) {
        // Two services registering a new subject at once: Apicurio answers the second one's
        // compatibility-rule write with "A rule named 'COMPATIBILITY' already exists". The
        // subject is there now, so the retry succeeds.
        const raced = /rule named .* already exists/i.test((err as Error).message ?? '');
        const refused = refusal(err, this.base);
        if (refused) throw this.refused(refused, err);
        if (!(err instanceof TransientError || raced) || attempt + 1 >= REGISTER_ATTEMPTS) throw err;
        this.logger.warn(`${(err as Error).message}; retrying`);
        await sleep(backoffDelay(attempt));
      }
    }
    this.ids.set(topic, id);
    this.guard.accept(subject, id);
    this.logger.log(`schema ${subject} registered as id ${id}`);
    return id;
  }

  /**
   * A registry that refuses us (credentials, certificate) is waited out like one that is down,
   * so a wrong secret gives /ready 503 and no crash loop: a TransientError, logged once per reason.
   */
  private refused(message: string, cause: unknown): TransientError {
    if (message !== this.lastRefusal) this.logger.error(message);
    this.lastRefusal = message;
    return new TransientError(message, cause);
  }

  async registerAll(topics: readonly TopicName[] = TOPIC_TABLE.map((t) => t.name)): Promise<void> {
    for (const topic of topics) await this.registerTopic(topic);
  }

  async encode(topic: TopicName, value: unknown): Promise<Buffer> {
    const id = this.ids.get(topic) ?? (await this.registerTopic(topic));
    try {
      return await this.registry.encode(id, value);
    } catch (err) {
      throw new InvalidRecordError(`cannot encode a ${topic} record: ${(err as Error).message}`, err);
    }
  }

  /**
   * Decodes a Confluent-framed Avro value read from `topic`. Garbage, and a writer schema id that
   * is not a registered version of the topic's subject, are InvalidRecordErrors (dead-letter them);
   * a registry that does not answer is a TransientError (retry).
   */
  async decode<T>(topic: string, buffer: Buffer | null): Promise<T> {
    if (!buffer || buffer.length < 5 || buffer[0] !== 0) {
      throw new InvalidRecordError('value is not Confluent-framed Avro (magic byte 0 + schema id)');
    }
    const schemaId = buffer.readInt32BE(1);
    const subject = valueSubject(topic);
    try {
      // An accepted id's schema is in the client's cache: no registry call, no deadline needed.
      if (this.guard.accepts(subject, schemaId)) return (await this.registry.decode(buffer)) as T;
      await this.guard.verify(subject, schemaId);
      const value = (await withDeadline(this.registry.decode(buffer), `schema id ${schemaId}`)) as T;
      this.guard.accept(subject, schemaId);
      return value;
    } catch (err) {
      if (err instanceof MdError) throw err;
      const message = (err as Error).message ?? String(err);
      if (/ECONNREFUSED|ETIMEDOUT|socket hang up|5\d\d/.test(message)) {
        throw new TransientError(`schema registry unavailable: ${message}`, err);
      }
      throw new InvalidRecordError(`undecodable Avro value: ${message}`, err);
    }
  }
}
