import { isDeepStrictEqual } from 'node:util';

/** Where a topic's value schema stands in the registry against the one in schemas/. */
export type SchemaStatus = 'up to date' | 'not registered' | 'newer locally, compatible' | 'INCOMPATIBLE';

/**
 * Compares the registry's latest schema text with the local one as JSON values (key order and
 * whitespace do not matter: the registry may reformat what it stores). `compatible` is only
 * consulted when they differ.
 */
export async function schemaStatus(registered: string | null, local: unknown, compatible: () => Promise<boolean>): Promise<SchemaStatus> {
  if (registered === null) return 'not registered';
  if (isDeepStrictEqual(JSON.parse(registered), local)) return 'up to date';
  return (await compatible()) ? 'newer locally, compatible' : 'INCOMPATIBLE';
}

/** What `schemas check` should exit with: 0 only when every schema is registered and compatible. */
export function checkFailed(statuses: readonly SchemaStatus[]): boolean {
  return statuses.some((s) => s === 'not registered' || s === 'INCOMPATIBLE');
}
