/**
 * Kafka record header on every record a reprocess job publishes (`<stage>/<generation>`, e.g.
 * `preprocessor/1`): a restatement of a window, not new data. Live stages that judge arrival
 * (the quality-monitor) skip such records; subscribers may use it to tell a restatement from the
 * live stream. The window and generation are in the md.reprocessed.v1 marker that follows.
 */
export const REPROCESS_HEADER = 'md-reprocess';

/** The header's value for a stage's generation. */
export const reprocessHeaderValue = (stage: string, generation: number): string => `${stage}/${generation}`;
