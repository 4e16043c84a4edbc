/**
 * Schema names are configuration, not user input, but they are spliced into SQL (identifiers
 * cannot be bound as parameters), so only plain lower-case identifiers are accepted.
 */
export const SQL_IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

export function sqlIdentifier(name: string): string {
  if (!SQL_IDENTIFIER.test(name)) throw new Error(`"${name}" is not a plain SQL identifier (lower case letters, digits, _)`);
  return name;
}
