import { ConfigError } from '@md/config';
import { MdError } from '@md/contracts';

// Exit codes scripts can rely on (documented in `mdctl --help`):
//   0 done, 1 runtime failure (broker down, group active, registry refused, job failed),
//   2 usage error (bad option or value: nothing was touched), 130 stopped by Ctrl-C (backfill, replay --from-db).
export const EXIT = { ok: 0, failure: 1, usage: 2, interrupted: 130 } as const;

/** Bad input: the message says what was wrong, where, and how to fix it. Exit 2, nothing touched. */
export class UsageError extends ConfigError {
  readonly exitCode = EXIT.usage;
}

/** The operation could not be carried out (refused, or a dependency failed). Exit 1. */
export class OperationError extends MdError {
  readonly exitCode = EXIT.failure;
  constructor(message: string, cause?: unknown) {
    super(message, { retriable: false, cause });
  }
}

/** The exit code for whatever a command threw: usage errors 2, everything else 1. */
export function exitCodeOf(err: unknown): number {
  return err instanceof UsageError ? EXIT.usage : EXIT.failure;
}
