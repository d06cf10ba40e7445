// Reads a request body within a byte limit and parses it with a shared zod schema. Bad input is a
// clear 4xx naming the field; nothing here trusts the Content-Length header alone.
import type { Context } from 'hono';
import type { z } from 'zod';
import { AppError, validationFailed } from '../errors.js';
import { assertStorable, isStorable } from './input.js';

export async function readText(c: Context, maxBytes: number): Promise<string> {
  const declared = Number(c.req.header('content-length') ?? '0');
  if (declared > maxBytes) throw new AppError('payload_too_large', 413, `The body is larger than ${maxBytes} bytes.`);
  const reader = c.req.raw.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      throw new AppError('payload_too_large', 413, `The body is larger than ${maxBytes} bytes.`);
    }
    chunks.push(value);
  }
  const text = Buffer.concat(chunks).toString('utf8'); // invalid UTF-8 becomes U+FFFD: storable
  if (!isStorable(text)) throw validationFailed('body: contains NUL.');
  // A JSON body (vendor notifications) is kept as text and parsed into jsonb: an escaped \u0000 is refused too.
  if (/^\s*[[{]/.test(text)) {
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
