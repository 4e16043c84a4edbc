import type { z } from 'zod';
import { InvalidRecordError } from '@md/contracts';

// How the providers' mappers turn a zod failure into the reason a rejected item or page carries.

/** zod's issues on one line, `path: message; ...`; an issue about the value as a whole is named `whole`. */
export function zodReason(error: z.ZodError, whole = 'item'): string {
  return error.issues.map((i) => `${i.path.join('.') || whole}: ${i.message}`).join('; ');
}

/** One item as `schema` reads it, else an InvalidRecordError with every issue (the item is rejected alone). */
export function parseItem<S extends z.ZodTypeAny>(schema: S, item: unknown): z.infer<S> {
  const parsed = schema.safeParse(item);
  if (!parsed.success) throw new InvalidRecordError(zodReason(parsed.error));
  return parsed.data;
}

/** A page's envelope as `schema` reads it, else an InvalidRecordError that fails the whole page. */
export function parseEnvelope<S extends z.ZodTypeAny>(schema: S, body: unknown, kind: string, whole = 'item'): z.infer<S> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new InvalidRecordError(`${kind} page is malformed: ${zodReason(parsed.error, whole)}`);
  return parsed.data;
}
