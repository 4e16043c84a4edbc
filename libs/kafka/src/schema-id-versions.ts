import { TransientError } from '@md/contracts';
import { registryRequest, type RegistryHttp } from './registry-http';
import type { SubjectVersion, SubjectVersionsOf } from './writer-schema-guard';

/** Confluent error code for "Schema not found" (an id the registry never handed out). */
const SCHEMA_NOT_FOUND = 40403;

/**
 * `GET <registry>/schemas/ids/{id}/versions`: the subject-version pairs registered with a schema
 * id (Confluent Schema Registry API; Apicurio 3's /apis/ccompat/v7 answers it too). The registry
 * client (@kafkajs/confluent-schema-registry 3.9) has no call for it, hence plain fetch.
 *
 * Only error 40403 means "no such id" ([]). Anything else that is not a list (timeout, 5xx, 401,
 * a 404 from a wrong base path) is a TransientError: a registry that is down, refuses us or is
 * misaddressed stalls the stage until fixed instead of dead-lettering every record it reads.
 * Credentials (registryHttp) never appear in an error message.
 */
export function ccompatSubjectVersions(http: RegistryHttp, timeoutMs: number): SubjectVersionsOf {
  return async (id) => {
    const what = `the subjects of schema id ${id} (${http.base})`;
    let status: number;
    let body: unknown;
    try {
      ({ status, body } = await registryRequest(http, `/schemas/ids/${id}/versions`, { timeoutMs }));
    } catch (err) {
      throw new TransientError(`schema registry did not answer ${what}: ${(err as Error).message}`, err);
    }
    if (status === 404 && (body as { error_code?: unknown } | undefined)?.error_code === SCHEMA_NOT_FOUND) return [];
    if (status !== 200 || !Array.isArray(body)) throw new TransientError(`schema registry answered HTTP ${status} asking for ${what}`);
    return body.filter(isSubjectVersion).map(({ subject, version }) => ({ subject, version }));
  };
}

function isSubjectVersion(v: unknown): v is SubjectVersion {
  const r = v as Partial<SubjectVersion> | null;
  return typeof r?.subject === 'string' && typeof r.version === 'number';
}
