// The one error type of the widget's I/O: a stable `code` (the BFF's error code, or `network` / `token_expired`).
// Never carries a token or a URL with a ticket in its message.
export class Failure extends Error {
  constructor(
    readonly code: string,
    message = '',
    readonly status = 0,
  ) {
    super(message);
  }
}
