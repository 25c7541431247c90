/** Exit codes, so scripts can tell failures apart (documented in the README). */
export const EXIT = Object.freeze({ ok: 0, failure: 1, usage: 2, unknownSlug: 3, unreachable: 4, checksum: 5, notEmpty: 6 });

/** A failure the user can act on: printed as one message, no stack trace. */
export class CliError extends Error {
  /**
   * @param {string} message
   * @param {number} code
   */
  constructor(message, code = EXIT.failure) {
    super(message);
    this.name = 'CliError';
    this.code = code;
  }
}
