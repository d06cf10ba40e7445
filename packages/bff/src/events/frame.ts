// One SSE frame as text. Never lets a CR or LF into a field name or id: both are ours (enum names, digits).
/** Encodes one SSE frame. Event names and ids are ours (enum, digits): no CR/LF can reach the stream. */
export function sseFrame(id: string, event: string, data: unknown): string {
  return `id: ${id}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}
