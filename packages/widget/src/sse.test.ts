// The SSE parser against the WHATWG event-stream rules, fed in awkward chunks as a network delivers them.
import { describe, expect, it } from 'vitest';
import { SseParser, type SseMessage } from './sse.js';

function parse(chunks: string[]): { messages: SseMessage[]; parser: SseParser } {
  const messages: SseMessage[] = [];
  const parser = new SseParser((m) => messages.push(m));
  for (const c of chunks) parser.feed(c);
  return { messages, parser };
}

describe('SseParser', () => {
  it('reads id, event and data, ignoring heartbeat comments', () => {
    const { messages, parser } = parse([': heartbeat\n\nid: 7\nevent: order.updated\ndata: {"a":1}\n\n']);
    expect(messages).toEqual([{ id: '7', event: 'order.updated', data: '{"a":1}' }]);
    expect(parser.lastEventId).toBe('7');
  });

  it('joins multi-line data and strips only one leading space', () => {
    expect(parse(['data:  two\ndata:three\n\n']).messages[0]!.data).toBe(' two\nthree');
  });

  it('handles CRLF split across chunks and events split anywhere', () => {
    const frame = 'id: 12\r\nevent: order.created\r\ndata: {"x":"é"}\r\n\r\n';
    for (let cut = 1; cut < frame.length; cut++) {
      const { messages } = parse([frame.slice(0, cut), frame.slice(cut)]);
      expect(messages, `cut at ${cut}`).toEqual([{ id: '12', event: 'order.created', data: '{"x":"é"}' }]);
    }
  });

  it('does not dispatch an event that never ended with a blank line', () => {
    expect(parse(['id: 1\ndata: partial\n']).messages).toEqual([]);
  });

  it('keeps the last id across events without one, honours retry, ignores ids with NUL', () => {
    const { messages, parser } = parse(['id: 3\ndata: a\n\nretry: 2500\ndata: b\n\nid: bad\0id\ndata: c\n\n']);
    expect(messages.map((m) => m.id)).toEqual(['3', '3', '3']);
    expect(parser.retry).toBe(2500);
    expect(messages[1]!.event).toBe('message');
  });
});
