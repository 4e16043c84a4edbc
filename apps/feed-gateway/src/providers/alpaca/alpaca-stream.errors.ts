import { MdError } from '@md/contracts';

/** The stream cannot go on as configured (Alpaca errors 402, 408, 409): not retriable, fix the config. */
export class AlpacaStreamError extends MdError {
  constructor(message: string, readonly code: number | null) {
    super(message, { retriable: false });
  }
}
