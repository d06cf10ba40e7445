// The signed client against a scripted fetch: wire format, Mettl error bodies → VendorError, no secret leaks.
import { describe, expect, it } from 'vitest';
import { makeTestContext } from '../../../testing/vendor-context.js';
import { VendorError } from '../../core/vendor-port.js';
import { createMettlClient } from './client.js';

const PRIVATE = 'private-key-never-shown';

function clientAnswering(answer: () => Response | Promise<Response>) {
  const ctx = makeTestContext({ vendor: 'mettl', config: {}, packages: [] });
  const calls: { url: string; init: RequestInit }[] = [];
  const fetch = (async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    return answer();
  }) as unknown as typeof globalThis.fetch;
  const client = createMettlClient({ baseUrl: 'https://api.mettl.com/v2/', publicKey: 'pub', privateKey: PRIVATE, fetch, now: () => new Date(1_700_000_000_000), log: ctx.log });
  return { client, calls, ctx };
}

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const errorBody = (code: string, message: string) => ({ status: 'ERROR', error: { code, message } });

async function failure(p: Promise<unknown>): Promise<VendorError> {
  const e = await p.then(() => null, (err: unknown) => err);
  expect(e).toBeInstanceOf(VendorError);
  return e as VendorError;
}

describe('Mettl client', () => {
  it('sends GET parameters in the query and POST parameters as a form body, both signed', async () => {
    const { client, calls } = clientAnswering(() => json({ status: 'SUCCESS', registrationStatus: [{ email: 'a@b.c', status: 'ToBeTaken', url: 'https://x/y' }] }));
    await client.registerCandidates('f1bb27bf', { registrationDetails: [] });
    const post = calls[0]!;
    expect(post.url).toBe('https://api.mettl.com/v2/schedules/f1bb27bf/candidates');
    expect(new Headers(post.init.headers).get('content-type')).toMatch(/^application\/x-www-form-urlencoded/);
    const form = new URLSearchParams(String(post.init.body));
    expect([...form.keys()].sort()).toEqual(['ak', 'asgn', 'rd', 'ts']);
    expect(form.get('rd')).toBe('{"registrationDetails":[]}');
    expect(form.get('ts')).toBe('1700000000');

    const { client: c2, calls: getCalls } = clientAnswering(() => json({ status: 'SUCCESS', candidate: { email: 'a+1@b.c', testStatus: { status: 'ToBeTaken' } } }));
    await c2.candidateResult('f1bb27bf', 'a+1@b.c');
    const url = new URL(getCalls[0]!.url);
    // The email raw in the path, as the public clients send it; the signature covers exactly this (signer.test.ts).
    expect(url.pathname).toBe('/v2/schedules/f1bb27bf/candidates/a+1@b.c');
    expect(getCalls[0]!.url.split('?')[0]).toBe('https://api.mettl.com/v2/schedules/f1bb27bf/candidates/a+1@b.c');
    expect(url.searchParams.get('asgn')).toMatch(/=$/);
    expect(getCalls[0]!.init.body).toBeUndefined();
  });

  it.each([
    ['E401', 401, /signature/i],
    ['E403', 403, /API key/],
    ['E504', 400, /clock/],
    ['E401', 200, /signature/i],
  ])('turns Mettl error %s (HTTP %i) into a clear, non-retryable VendorError', async (code, http, message) => {
    const { client } = clientAnswering(() => json(errorBody(code, 'Authentication failed/Signature Mismatch'), http));
    const e = await failure(client.listAssessments(20, 0));
    expect(e.retryable).toBe(false);
    expect(e.vendorCode).toBe(code);
    expect(e.message).toMatch(message);
  });

  it('retries a Mettl error body on a 5xx and a bare 503', async () => {
    const a = await failure(clientAnswering(() => json(errorBody('E500', 'down'), 503)).client.listAssessments(20, 0));
    expect(a.retryable).toBe(true);
    const b = await failure(clientAnswering(() => new Response('<html>Bad gateway</html>', { status: 502 })).client.listAssessments(20, 0));
    expect(b.retryable).toBe(true);
    expect(b.code).toBe('vendor_unavailable');
  });

  it('does not retry another vendor refusal, and keeps its message', async () => {
    const e = await failure(clientAnswering(() => json(errorBody('E020', 'Schedule name already exists'))).client.createSchedule('1', { name: 'x' }));
    expect(e.retryable).toBe(false);
    expect(e.message).toContain('Schedule name already exists');
  });

  it('retries when Mettl cannot be reached', async () => {
    const e = await failure(clientAnswering(() => Promise.reject(new TypeError('fetch failed'))).client.listAssessments(20, 0));
    expect(e.retryable).toBe(true);
  });

  it('fails without retry on a success body of an unexpected shape', async () => {
    const e = await failure(clientAnswering(() => json({ status: 'SUCCESS', registrationStatus: [] })).client.registerCandidates('k', {}));
    expect(e.retryable).toBe(false);
    expect(e.code).toBe('vendor_bad_response');
  });

  it('puts the private key in no error, log line or request URL', async () => {
    const { client, calls, ctx } = clientAnswering(() => json(errorBody('E401', 'Signature Mismatch'), 401));
    const e = await failure(client.candidateResult('k', 'a@b.c'));
    const haystack = [e.message, String(e.stack), ...ctx.logLines, ...calls.map((c) => c.url + String(c.init.body ?? ''))].join('\n');
    expect(haystack).not.toContain(PRIVATE);
    expect(ctx.logLines.join('\n')).not.toContain('asgn');
  });
});
