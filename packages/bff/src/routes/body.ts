// Reads a request body within a byte limit and parses it with a shared zod schema. Bad input is a
// clear 4xx naming the field; nothing here trusts the Content-Length header alone.
import { isStorable } from '@ca/shared';
import type { HttpBindings } from '@hono/node-server';
import type { Context } from 'hono';
import { IncomingMessage, type ServerResponse } from 'node:http';
import type { z } from 'zod';
import { AppError, validationFailed } from '../errors.js';
import { assertStorable } from './input.js';

const tooLarge = (maxBytes: number) => new AppError('payload_too_large', 413, `The body is larger than ${maxBytes} bytes.`);

/** The Node request and response behind a request when served by `@hono/node-server` (absent in `app.request()`). */
function nodeBindings(bindings: unknown): { incoming: IncomingMessage; outgoing: ServerResponse } | undefined {
  const env = bindings as Partial<HttpBindings> | undefined;
  return env?.incoming instanceof IncomingMessage && env.outgoing ? { incoming: env.incoming, outgoing: env.outgoing as ServerResponse } : undefined;
}

/**
 * Reads the Node request stream directly: a web `Request` and stream adapter per notification cost a tenth of the
 * ingest's CPU. Past `maxBytes` it stops reading and the connection closes after the 413, so the rest is never read.
 */
function readIncoming(incoming: IncomingMessage, outgoing: ServerResponse, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (err?: Error) => {
      incoming.off('data', onData).off('end', onEnd).off('error', done).off('aborted', onAborted);
      if (err) reject(err);
      else resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    };
    const onData = (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size <= maxBytes) return void chunks.push(chunk);
      incoming.pause();
      if (!outgoing.headersSent) outgoing.setHeader('Connection', 'close');
      done(tooLarge(maxBytes));
    };
    const onEnd = () => done();
    const onAborted = () => done(new Error('the client closed the connection before sending the whole body'));
    incoming.on('data', onData).once('end', onEnd).once('error', done).once('aborted', onAborted);
  });
}

export function readText(c: Context, maxBytes: number): Promise<string> {
  return readRequestText(c.req.raw, c.env, maxBytes);
}

/** readText for a request and its server bindings (Hono's `c.env`) outside a Hono context. */
export async function readRequestText(req: Request, bindings: unknown, maxBytes: number): Promise<string> {
  const declared = Number(req.headers.get('content-length') ?? '0');
  if (declared > maxBytes) throw tooLarge(maxBytes);
  let bytes: Buffer;
  const node = nodeBindings(bindings);
  if (node && !node.incoming.readableDidRead) {
    bytes = await readIncoming(node.incoming, node.outgoing, maxBytes);
  } else {
    const reader = req.body?.getReader();
    if (!reader) return '';
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => {});
        throw tooLarge(maxBytes);
      }
      chunks.push(value);
    }
    bytes = Buffer.concat(chunks);
  }
  const text = bytes.toString('utf8'); // invalid UTF-8 becomes U+FFFD: storable
  if (!isStorable(text)) throw validationFailed('body: contains NUL.');
  // A JSON body (vendor notifications) is kept as text and parsed into jsonb: an escaped \u0000 is refused too. Only a
  // \u escape can make a string of storable text unstorable once parsed (the other escapes are quotes, slashes and
  // whitespace), so text without one is not parsed here: the vendor's parser is then the only JSON.parse.
  if (text.includes('\\u') && /^\s*[[{]/.test(text)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return text;
    }
    assertStorable(parsed);
  }
  return text;
}

export async function readJson<S extends z.ZodType>(c: Context, schema: S, maxBytes = 64 * 1024): Promise<z.infer<S>> {
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/json\b/i.test(type)) {
    throw new AppError('unsupported_media_type', 415, 'Send the body as application/json.');
  }
  const text = await readText(c, maxBytes);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw validationFailed('The body is not valid JSON.');
  }
  assertStorable(raw);
  return parseWith(schema, raw);
}

export function parseWith<S extends z.ZodType>(schema: S, raw: unknown): z.infer<S> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const where = issue.path.length ? issue.path.map(String).join('.') : 'body';
  throw validationFailed(`${where}: ${issue.message}`);
}
