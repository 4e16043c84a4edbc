import type { Command } from 'commander';
import { registryHttp, registryRequest, SchemaCodec, valueSchemaOf, type RegistryHttp } from '@md/kafka';
import { TOPIC_TABLE, valueSubject } from '@md/contracts';
import { endpointsOf, type CliIo } from '../cli-context';
import { formatTable } from '../format-table';
import { checkFailed, schemaStatus } from '../schema-status';
import { OperationError } from '../usage-error';

// The registry's Confluent-compatible API (Apicurio: /apis/ccompat/v7), read directly for the
// listing and the compatibility question; registration goes through SchemaCodec like the services.
// Credentials and CA as the services use them (SCHEMA_REGISTRY_* variables, registryHttp).
const TIMEOUT_MS = 15_000;

async function registryJson<T>(http: RegistryHttp, path: string, json?: unknown): Promise<{ status: number; body: T }> {
  let answer: { status: number; body: unknown };
  try {
    answer = await registryRequest(http, path, json === undefined ? { timeoutMs: TIMEOUT_MS } : { method: 'POST', json, timeoutMs: TIMEOUT_MS });
  } catch (err) {
    throw new OperationError(`cannot reach the schema registry at ${http.base} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}): start it (\`mdctl stack up\` for the local stack) or pass its URL`, err);
  }
  if (answer.status >= 500 || answer.status === 401 || answer.status === 403) {
    throw new OperationError(`schema registry at ${http.base} answered ${answer.status} to ${path}: ${JSON.stringify(answer.body)}${answer.status < 500 ? ' (check SCHEMA_REGISTRY_USERNAME/PASSWORD or SCHEMA_REGISTRY_TOKEN)' : ''}`);
  }
  return { status: answer.status, body: answer.body as T };
}

export function registerSchemas(program: Command, io: CliIo): void {
  const schemas = program.command('schemas').description('Avro value schemas (schemas/*.avsc) in the schema registry');

  schemas.command('list').description('registry subjects with their latest version and id; * marks the declared topics')
    .action(async (_opts, cmd: Command) => {
      const http = registryHttp(endpointsOf(cmd).registry);
      const { body: subjects } = await registryJson<string[]>(http, '/subjects');
      const declared = new Set(TOPIC_TABLE.map((t) => valueSubject(t.name)));
      const rows = [];
      for (const subject of [...subjects].sort()) {
        const { body } = await registryJson<{ version?: number; id?: number }>(http, `/subjects/${encodeURIComponent(subject)}/versions/latest`);
        rows.push([`${declared.has(subject) ? '*' : ' '} ${subject}`, body.version, body.id]);
      }
      io.out.write(formatTable(['  subject', 'version', 'id'], rows));
    });

  schemas.command('check').description('compare each declared schema with the registry; exit 1 if one is missing or incompatible (BACKWARD)')
    .action(async (_opts, cmd: Command) => {
      const http = registryHttp(endpointsOf(cmd).registry);
      const rows: string[][] = [];
      for (const { name } of TOPIC_TABLE) {
        const subject = encodeURIComponent(valueSubject(name));
        const local = valueSchemaOf(name);
        const latest = await registryJson<{ schema?: string }>(http, `/subjects/${subject}/versions/latest`);
        const status = await schemaStatus(latest.status === 404 ? null : latest.body.schema ?? null, local, async () => {
          const { body } = await registryJson<{ is_compatible?: boolean }>(http, `/compatibility/subjects/${subject}/versions/latest`, { schema: JSON.stringify(local) });
          return body.is_compatible === true;
        });
        rows.push([valueSubject(name), status]);
      }
      io.out.write(formatTable(['subject', 'status'], rows));
      if (checkFailed(rows.map((r) => r[1] as never))) {
        throw new OperationError('some schemas are not registered or not BACKWARD compatible: `mdctl schemas register` registers the missing ones; an incompatible change needs a new topic version (md.<name>.v2)');
      }
    });

  schemas.command('register').description('register every declared value schema (BACKWARD), as the services do at start')
    .action(async (_opts, cmd: Command) => {
      const { registry } = endpointsOf(cmd);
      const codec = new SchemaCodec(registry);
      const registryUrl = registryHttp(registry).base;
      const rows = [];
      for (const { name } of TOPIC_TABLE) {
        try {
          rows.push([valueSubject(name), await codec.registerTopic(name)]);
        } catch (err) {
          throw new OperationError(`registering ${valueSubject(name)} at ${registryUrl} failed: ${(err as Error).message}`, err);
        }
      }
      io.out.write(formatTable(['subject', 'id'], rows));
    });
}
