// kafkajs ships no types for its protocol error table; the shape used here (src/protocol/error.js).
declare module 'kafkajs/src/protocol/error' {
  export const errorCodes: ReadonlyArray<{ type: string; code: number; retriable: boolean; message: string }>;
}
