import { z } from 'zod';

// Cross-field config checks live in the service's zod schema (STYLE.md habit 6: one schema, parsed
// once at boot), in a superRefine whose issues carry the variable to blame as their path, so
// parseConfig's one line names it: `config: POLYGON_API_KEY is invalid (unset): required when …`.
// A set value is never blamed here: its text would be printed, and it may be a secret.

export interface Requirement {
  /** Variables that must be set… */
  names: readonly string[];
  /** …when this holds, said as it reads after "required when". */
  when: string;
  /** Secrets: the message points at their NAME_FILE form too. */
  secret?: boolean;
}

/** Adds an issue for each variable of `requirement` that is unset. */
export function requireSet(ctx: z.RefinementCtx, config: Readonly<Record<string, unknown>>, requirement: Requirement): void {
  for (const name of requirement.names) {
    if (config[name] !== undefined && config[name] !== '') continue;
    const message = `required when ${requirement.when}${requirement.secret ? ` (or set ${name}_FILE)` : ''}`;
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: [name], message });
  }
}
