import type { Command } from 'commander';
import { SchemaCodec, valueSchemaOf } from '@md/kafka';
import { TOPIC_TABLE, valueSubject } from '@md/contracts';
import { endpointsOf, httpRequest, type CliIo } from '../cli-context';
import { formatTable } from '../format-table';
import { checkFailed, schemaStatus } from '../schema-status';
import { OperationError } from '../usage-error';

// The registry's Confluent-compatible API (Apicurio: /apis/ccompat/v7), read directly for the
// listing and the compatibility question; registration goes through SchemaCodec like the services.
const CONTENT_TYPE = { 'Content-Type': 'application/vnd.schemaregistry.v1+json' };

async function registryJson<T>(url: string, init?: RequestInit): Promise<{ status: number; body: T }> {
  const res = await httpRequest(url, 'schema registry', init);
  const body = (await res.json().catch(() => null)) as T;
  if (res.status >= 500) throw new OperationError(`schema registry at ${url} answered ${res.status}: ${JSON.stringify(body)}`);
  return { status: res.status, body };
}

export function registerSchemas(program: Command, io: CliIo): void {
  const schemas = program.command('schemas').description('Avro value schemas (schemas/*.avsc) in the schema registry');

  schemas.command('list').description('registry subjects with their latest version and id; * marks the declared topics')
    .action(async (_opts, cmd: Command) => {
      const { registryUrl } = endpointsOf(cmd);
      const { body: subjects } = await registryJson<string[]>(`${registryUrl}/subjects`);
      const declared = new Set(TOPIC_TABLE.map((t) => valueSubject(t.name)));
      const rows = [];
      for (const subject of [...subjects].sort()) {
        const { body } = await registryJson<{ version?: number; id?: number }>(`${registryUrl}/subjects/${encodeURIComponent(subject)}/versions/latest`);
        rows.push([`${declared.has(subject) ? '*' : ' '} ${subject}`, body.version, body.id]);
      }
      io.out.write(formatTable(['  subject', 'version', 'id'], rows));
    });

  schemas.command('check').description('compare each declared schema with the registry; exit 1 if one is missing or incompatible (BACKWARD)')
    .action(async (_opts, cmd: Command) => {
      const { registryUrl } = endpointsOf(cmd);
      const rows: string[][] = [];
      for (const { name } of TOPIC_TABLE) {
        const subject = encodeURIComponent(valueSubject(name));
        const local = valueSchemaOf(name);
        const latest = await registryJson<{ schema?: string }>(`${registryUrl}/subjects/${subject}/versions/latest`);
        const status = await schemaStatus(latest.status === 404 ? null : latest.body.schema ?? null, local, async () => {
          const { body } = await registryJson<{ is_compatible?: boolean }>(`${registryUrl}/compatibility/subjects/${subject}/versions/latest`,
            { method: 'POST', headers: CONTENT_TYPE, body: JSON.stringify({ schema: JSON.stringify(local) }) });
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
      const { registryUrl } = endpointsOf(cmd);
      const codec = new SchemaCodec(registryUrl);
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
