// avro-js (Apache Avro's JavaScript implementation) ships no types. Its main entry point requires
// a deprecated validator whose dependency (underscore) the package does not declare, so tests load
// the schema module itself, which is all they use.
declare module 'avro-js/lib/schemas' {
  export interface AvroJsType {
    fromBuffer(buffer: Buffer): unknown;
  }
  export function createType(schema: unknown): AvroJsType;
}
