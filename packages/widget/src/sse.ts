// Parses a text/event-stream per the WHATWG HTML "event stream interpretation" rules, chunk by chunk.
// Never dispatches a half-received event: only a blank line ends one.

export interface SseMessage {
  id: string;
  event: string;
  data: string;
}

export class SseParser {
  /** The last `id:` seen (what to send as Last-Event-ID on reconnect). */
  lastEventId = '';
  /** A `retry:` the server asked for, in ms. */
  retry: number | undefined;
  #buf = '';
  #data: string[] = [];
  #event = '';

  readonly #onMessage: (m: SseMessage) => void;

  constructor(onMessage: (m: SseMessage) => void) {
    this.#onMessage = onMessage;
  }

  feed(chunk: string): void {
    this.#buf += chunk;
    for (;;) {
      const m = /\r\n|\r|\n/.exec(this.#buf);
      if (!m) return;
      // A lone CR at the end may be the first half of a CRLF split across chunks.
      if (m[0] === '\r' && m.index === this.#buf.length - 1) return;
      const line = this.#buf.slice(0, m.index);
      this.#buf = this.#buf.slice(m.index + m[0].length);
      this.#line(line);
    }
  }

  #line(line: string): void {
    if (line === '') {
      if (this.#data.length) this.#onMessage({ id: this.lastEventId, event: this.#event || 'message', data: this.#data.join('\n') });
      this.#data = [];
      this.#event = '';
      return;
    }
    if (line[0] === ':') return;
    const i = line.indexOf(':');
    const field = i < 0 ? line : line.slice(0, i);
    let value = i < 0 ? '' : line.slice(i + 1);
    if (value[0] === ' ') value = value.slice(1);
    if (field === 'data') this.#data.push(value);
    else if (field === 'event') this.#event = value;
    else if (field === 'id' && !value.includes('\0')) this.lastEventId = value;
    else if (field === 'retry' && /^\d+$/.test(value)) this.retry = Number(value);
  }
}
