import { InvalidRecordError } from '@md/contracts';

/** One registration of a schema id: the subject and its version number. */
export interface SubjectVersion {
  subject: string;
  version: number;
}

/** The registrations of a schema id in the registry; [] when the registry does not know the id. */
export type SubjectVersionsOf = (id: number) => Promise<SubjectVersion[]>;

export interface WriterSchemaGuardLimits {
  /** Subjects whose accepted ids are cached; the least recently added subject goes first. */
  subjects: number;
  /** Accepted ids cached per subject (one per registered version); the oldest goes first. */
  idsPerSubject: number;
}

/** More subjects than TOPIC_TABLE has topics, more versions than a BACKWARD subject collects. */
export const DEFAULT_GUARD_LIMITS: WriterSchemaGuardLimits = { subjects: 256, idsPerSubject: 1_024 };

/** How many of the id's other registrations a refusal names. */
const NAMED_IN_REASON = 5;

/**
 * A record may only be read with a writer schema that is a registered version of its topic's
 * subject (TopicNameStrategy, `<topic>-value`; DESIGN.md, Production conditions). Seen here: a
 * registry that kept its schemas in memory was restarted, the services re-registered in another
 * order, and records written with id 4 (`Bar`) were decoded as `RawBar` without any error. Avro
 * decodes any bytes with any schema that happens to fit, so the id itself must be checked.
 *
 * Accepted ids are cached per subject (bounded both ways). A miss asks the registry once, so a
 * version registered after the cache was filled is accepted; only an id the registry does not list
 * under the subject is refused, as an InvalidRecordError (the stage runners dead-letter it). A
 * registry that cannot answer throws its TransientError through: never refuse for an outage.
 */
export class WriterSchemaGuard {
  private readonly accepted = new Map<string, Set<number>>();
  private readonly asking = new Map<number, Promise<SubjectVersion[]>>();

  constructor(
    private readonly versionsOf: SubjectVersionsOf,
    private readonly limits: WriterSchemaGuardLimits = DEFAULT_GUARD_LIMITS,
  ) {}

  /** Whether `id` is already known to be a version of `subject` (no registry call). */
  accepts(subject: string, id: number): boolean {
    return this.accepted.get(subject)?.has(id) ?? false;
  }

  /** Remembers that `id` is a version of `subject` (after registering it, or decoding with it). */
  accept(subject: string, id: number): void {
    let ids = this.accepted.get(subject);
    if (!ids) {
      if (this.accepted.size >= this.limits.subjects) this.accepted.delete(this.accepted.keys().next().value as string);
      ids = new Set();
      this.accepted.set(subject, ids);
    }
    if (ids.has(id)) return;
    if (ids.size >= this.limits.idsPerSubject) ids.delete(ids.values().next().value as number);
    ids.add(id);
  }

  /**
   * Asks the registry whether `id` is a version of `subject`; throws InvalidRecordError when it is
   * not. Does not cache: the caller accepts the id once a record decoded with it.
   */
  async verify(subject: string, id: number): Promise<void> {
    const registrations = await this.registrationsOf(id);
    if (registrations.some((r) => r.subject === subject)) return;
    throw new InvalidRecordError(refusal(subject, id, registrations));
  }

  /** Concurrent checks of one id share one registry request. */
  private registrationsOf(id: number): Promise<SubjectVersion[]> {
    let pending = this.asking.get(id);
    if (!pending) {
      pending = this.versionsOf(id).finally(() => this.asking.delete(id));
      this.asking.set(id, pending);
    }
    return pending;
  }
}

function refusal(subject: string, id: number, registrations: readonly SubjectVersion[]): string {
  const head = `writer schema id ${id} is not a registered version of ${subject}`;
  if (!registrations.length) return `${head}: the registry does not know that id`;
  const named = registrations.slice(0, NAMED_IN_REASON).map((r) => `${r.subject} version ${r.version}`);
  const more = registrations.length > NAMED_IN_REASON ? ` and ${registrations.length - NAMED_IN_REASON} more` : '';
  return `${head}: the registry has it as ${named.join(', ')}${more}`;
}
