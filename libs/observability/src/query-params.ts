import { BadRequestException, Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { z } from 'zod';

/** A query parameter failed its schema: the HTTP APIs answer 400 naming the parameter. */
export class BadQuery extends Error {}

/** Parses query (or body) parameters with a zod schema; the first problem becomes a BadQuery. */
export function parseQuery<S extends z.ZodTypeAny>(schema: S, query: unknown): z.infer<S> {
  const result = schema.safeParse(query);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new BadQuery(`query parameter ${issue.path.join('.') || '(query)'}: ${issue.message}`);
}

@Catch(BadQuery)
export class BadQueryFilter implements ExceptionFilter {
  catch(err: BadQuery, host: ArgumentsHost) {
    const res = host.switchToHttp().getResponse();
    res.status(400).json(new BadRequestException(err.message).getResponse());
  }
}
