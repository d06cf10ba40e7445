// The one error type of the widget's I/O: a stable `code` (the BFF's error code, or `network` / `token_expired`).
// Never carries a token or a URL with a ticket in its message.
export class Failure extends Error {
  // Declared, not defined as fields: the constructor sets them (one assignment each in the bundle).
  declare readonly code: string;
  declare readonly status: number;

  constructor(code: string, message = '', status = 0) {
    super(message);
    this.code = code;
    this.status = status;
  }
}
