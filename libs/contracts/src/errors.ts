// One error hierarchy for the whole platform (STYLE.md habit 5, after kafkajs src/errors.js).
// `retriable` is the only thing the stage runners look at: retry with backoff when true,
// dead-letter the record when false.
export class MdError extends Error {
  readonly retriable: boolean;
  constructor(message: string, options: { retriable: boolean; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.retriable = options.retriable;
  }
}

/** Input that can never succeed as it is: goes to the dead-letter topic with this message. */
export class InvalidRecordError extends MdError {
  constructor(message: string, cause?: unknown) {
    super(message, { retriable: false, cause });
  }
}

/** A dependency (database, broker, registry) is briefly unavailable: retry later. */
export class TransientError extends MdError {
  constructor(message: string, cause?: unknown) {
    super(message, { retriable: true, cause });
  }
}

/** Configuration is wrong: the process must stop with this message. */
export class ConfigError extends MdError {
  constructor(message: string) {
    super(message, { retriable: false });
  }
}

export function isRetriable(err: unknown): boolean {
  return err instanceof MdError ? err.retriable : false;
}
