// One SSE frame as text, and as the bytes fan-out writes to every client. Never lets a CR or LF into a field name
// or id: both are ours (enum names, digits).
/** Encodes one SSE frame. Event names and ids are ours (enum, digits): no CR/LF can reach the stream. */
export function sseFrame(id: string, event: string, data: unknown): string {
  return `id: ${id}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * A frame encoded once for every client: `chunk` is the frame as one HTTP/1.1 chunk (size line, frame, CRLF), what
 * a chunked response's `write` puts on the wire for it, and `bytes` the frame alone (a view into `chunk`).
 */
export interface EncodedFrame {
  readonly chunk: Buffer;
  readonly bytes: Buffer;
}

export function encodeFrame(frame: string): EncodedFrame {
  const size = Buffer.byteLength(frame);
  const head = `${size.toString(16)}\r\n`;
  const chunk = Buffer.from(`${head}${frame}\r\n`);
  return { chunk, bytes: chunk.subarray(head.length, head.length + size) };
}
