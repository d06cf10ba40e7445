import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ContractDrift } from '../../core/contract.js';
import { VendorError } from '../../core/vendor-port.js';
import { createBerkeClient, type BerkeClient } from './client.js';
import { decodeBody, parseBerkeBody, parseResponseCode } from './codec.js';
import { createRateLimiter } from './limiter.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const TOKEN = 'tok-Secret-1234567890';

interface Canned {
  status: number;
  body: string;
  headers?: Record<string, string>;
}

/** A client whose fetch answers from a script of canned responses (unit level: the wire is tested against the sandbox). */
function clientWith(script: (Canned | Error)[], over: { maxThrottleWaitMs?: number } = {}) {
  const sent: { url: string; body: string }[] = [];
  const logLines: string[] = [];
  const drifts: ContractDrift[] = [];
  const line = (obj: object, msg?: string) => void logLines.push(JSON.stringify({ ...obj, msg }));
  const fetchStub = (async (url: string | URL | Request, init?: RequestInit) => {
    sent.push({ url: String(url), body: String(init?.body) });
    const next = script.shift();
    if (!next) throw new Error('no more canned responses');
    if (next instanceof Error) throw next;
    return new Response(next.body, { status: next.status, headers: next.headers });
  }) as typeof fetch;
  const limiter = createRateLimiter({ calls: 100, perMs: 1000 });
  const client: BerkeClient = createBerkeClient({
    baseUrl: 'https://berke.example/api/',
    apiToken: TOKEN,
    username: 'api-user',
    fetch: fetchStub,
    limiter,
    log: { debug: line, info: line, warn: line, error: line },
    timeoutMs: 1000,
    maxThrottleWaitMs: over.maxThrottleWaitMs ?? 5000,
    maxThrottleRetries: 3,
    onDrift: (d) => drifts.push(d),
  });
  return { client, sent, logLines, limiter, drifts };
}

const ok = (name: string): Canned => ({
  status: 200,
  body: fixture(name),
  headers: { 'x-response-code': '200.0', 'content-type': name.endsWith('.xml') ? 'text/xml' : 'application/json' },
});

async function failure(p: Promise<unknown>): Promise<VendorError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(VendorError);
  return err as VendorError;
}

describe('Berke client', () => {
  it('posts JSON to {baseUrl}/{MethodName} with the token only in the body and asks for JSON', async () => {
    const { client, sent } = clientWith([ok('perform-assessment-scored.json')]);
    const r = await client.getAssessmentStatus('ca-123');
    expect(r.assessmentStatus.jobFitScoresAvailable).toBe(true);
    expect(sent[0]!.url).toBe('https://berke.example/api/GetAssessmentStatus');
    expect(sent[0]!.url).not.toContain(TOKEN);
    expect(JSON.parse(sent[0]!.body)).toEqual({
      apiToken: TOKEN,
      username: 'api-user',
      sourceCandidateId: 'ca-123',
      formatOutput: 'json',
    });
  });

  it.each(['perform-assessment-scored.json', 'perform-assessment-scored.xml'])('reads the documented success sample %s', async (name) => {
    const { client } = clientWith([ok(name)]);
    const r = await client.getAssessmentStatus('x');
    expect(r.jobFit).toHaveLength(5);
    expect(r.jobFit[0]).toMatchObject({ job: '[jobName_1]', fitPct: 0.99, fitId: 3, isPrimaryJob: true });
    expect(r.jobFit[4]).toMatchObject({ fitPct: -1, fitId: 5, reportUrl: '' });
  });

  it.each([
    { name: 'error.json', type: 'application/json' },
    { name: 'error.xml', type: 'text/xml' },
  ])('turns the documented error sample $name into a VendorError with the vendor message', async ({ name, type }) => {
    const { client } = clientWith([
      { status: 400, body: fixture(name), headers: { 'x-response-code': '400.1040', 'content-type': type } },
    ]);
    const err = await failure(client.getAssessmentStatus('x'));
    expect(err.retryable).toBe(false);
    expect(err.vendorCode).toBe('400.1040');
    expect(err.message).toBe('Berke: [Error Message], [Parameter]=[[ParameterValue]]');
  });

  it('treats a Berke code of 1000 or more as an error even with HTTP 200', async () => {
    const { client } = clientWith([
      { status: 200, body: fixture('error.json'), headers: { 'x-response-code': '200.1017', 'x-response-message': 'Company is inactive' } },
    ]);
    const err = await failure(client.getAssessmentStatus('x'));
    expect(err.vendorCode).toBe('200.1017');
    expect(err.retryable).toBe(false);
  });

  it('never repeats the API token a vendor message echoes (403.1003)', async () => {
    const { client, logLines } = clientWith([
      {
        status: 403,
        body: '',
        headers: { 'x-response-code': '403.1003', 'x-response-message': `API key '${TOKEN}' is invalid or inactive` },
      },
    ]);
    const err = await failure(client.getAssessmentStatus('x'));
    expect(err.retryable).toBe(false);
    expect(err.message).toBe("Berke: API key '[redacted]' is invalid or inactive");
    expect(JSON.stringify([err.message, err.vendorCode, logLines])).not.toContain(TOKEN);
  });

  it('marks 5xx answers and unreachable hosts retryable', async () => {
    const { client } = clientWith([
      { status: 503, body: '', headers: { 'x-response-code': '503.1500', 'x-response-message': 'maintenance' } },
      new TypeError('fetch failed'),
    ]);
    expect((await failure(client.getAssessmentStatus('x'))).retryable).toBe(true);
    const down = await failure(client.getAssessmentStatus('x'));
    expect(down.retryable).toBe(true);
    expect(down.message).toBe('Berke GetAssessmentStatus could not be reached.');
  });

  it.each([
    { name: 'throttled-429.json', type: 'application/json' },
    { name: 'throttled-429.xml', type: 'text/xml' },
  ])('waits out the documented 429 sample $name and repeats the call', async ({ name, type }) => {
    const { client, sent, limiter } = clientWith([
      { status: 429, body: fixture(name), headers: { 'content-type': type } },
      ok('perform-assessment-scored.json'),
    ]);
    const t0 = Date.now();
    const r = await client.getAssessmentStatus('x');
    expect(r.assessmentStatus.statusId).toBe(0);
    expect(sent).toHaveLength(2);
    expect(client.stats.throttled).toBe(1);
    expect(limiter.stats().concurrency).toBe(4);
    // The documented sample: callExpiresOnCompletion=true, so the wait is a short back-off (50–100 ms), not the 423 ms estimate,
    // and fewer calls may run at once.
    expect(Date.now() - t0).toBeGreaterThanOrEqual(45);
    expect(Date.now() - t0).toBeLessThan(400);
  });

  it('waits estimatedMillisecondsToNextAllowedCall for a time-frame 429', async () => {
    const body = JSON.parse(fixture('throttled-429.json')) as Record<string, unknown>;
    body['callExpiresOnCompletion'] = false;
    const { client, sent } = clientWith([
      { status: 429, body: JSON.stringify(body), headers: { 'content-type': 'application/json' } },
      ok('perform-assessment-scored.json'),
    ]);
    const t0 = Date.now();
    await client.getAssessmentStatus('x');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(420);
    expect(sent).toHaveLength(2);
  });

  it('stops at a daily limit with a retryable VendorError that says how long to wait', async () => {
    const body = JSON.parse(fixture('throttled-429.json')) as Record<string, unknown>;
    Object.assign(body, { isDailyLimit: true, callExpiresOnCompletion: false, estimatedMillisecondsToNextAllowedCall: 3_600_000 });
    const { client, sent } = clientWith([{ status: 429, body: JSON.stringify(body) }]);
    const err = await failure(client.getAssessmentStatus('x'));
    expect(err).toMatchObject({ retryable: true, code: 'vendor_rate_limited', retryAfterMs: 3_600_000 });
    expect(sent).toHaveLength(1);
  });

  it('gives up on a 429 asking for a longer wait than allowed, with retryAfterMs', async () => {
    const body = JSON.parse(fixture('throttled-429.json')) as Record<string, unknown>;
    Object.assign(body, { callExpiresOnCompletion: false, estimatedMillisecondsToNextAllowedCall: 90_000 });
    const { client } = clientWith([{ status: 429, body: JSON.stringify(body) }], { maxThrottleWaitMs: 1000 });
    const err = await failure(client.getAssessmentStatus('x'));
    expect(err).toMatchObject({ retryable: true, retryAfterMs: 90_000 });
  });

  it.each([
    ['null', '"jobFit":null,'],
    ['absent', ''],
  ])('reads an assessment whose jobFit list is %s as having no job fits', async (_what, jobFit) => {
    const body = `{${jobFit}"assessmentStatus":{"sourceCandidateId":"ca-1","statusId":"5","jobFitScoresAvailable":"false"},"status":"ok"}`;
    const { client } = clientWith([{ status: 200, body, headers: { 'x-response-code': '200.0' } }]);
    const r = await client.getAssessmentStatus('ca-1');
    expect(r.jobFit).toEqual([]);
    expect(r.assessmentStatus).toMatchObject({ statusId: 5, jobFitScoresAvailable: false });
  });

  it('rejects a success body that is not the documented shape without a retry, and reports the drift once, redacted', async () => {
    const { client, drifts } = clientWith([
      { status: 200, body: `{"status":"ok","jobFit":[],"response":"${TOKEN}","emailAddress":"a@b.example"}`, headers: { 'x-response-code': '200.0' } },
    ]);
    const err = await failure(client.getAssessmentStatus('x'));
    expect(err.retryable).toBe(false);
    expect(err.code).toBe('vendor_bad_response');
    expect(err.message).toContain('assessmentStatus');
    expect(drifts).toHaveLength(1);
    expect(drifts[0]).toMatchObject({ call: 'GetAssessmentStatus', shape: 'unexpected assessmentStatus' });
    expect(drifts[0]!.sample).not.toContain(TOKEN);
    expect(drifts[0]!.sample).not.toContain('a@b.example');
  });

  it('reads GetCompletedAssessments in the documented layout, sends the window and page, and reports an answer without paging as drift', async () => {
    const { client, sent, drifts } = clientWith([
      ok('completed-assessments.xml'),
      { status: 200, body: '{"status":"ok","completedAssessments":[{"sourceCandidateId":"c1","jobFit":[]}]}', headers: { 'x-response-code': '200.0' } },
    ]);
    const page = await client.getCompletedAssessments({ fromUtc: 100, toUtc: 200, page: 1 });
    expect(page).toMatchObject({ currentPage: 1, totalPages: 1, totalAssessments: 2 });
    expect(page.assessment).toHaveLength(2);
    expect(JSON.parse(sent[0]!.body)).toMatchObject({ dateFromUtc: 100, dateToUtc: 200, page: 1 });
    const err = await failure(client.getCompletedAssessments({ fromUtc: 100, toUtc: 200, page: 1 }));
    expect(err.code).toBe('vendor_bad_response');
    expect(drifts).toEqual([expect.objectContaining({ call: 'GetCompletedAssessments', shape: 'unexpected assessments' })]);
  });
});

describe('Berke body decoding', () => {
  it('reads UTF-16 XML as the declaration says, by BOM or charset', () => {
    const xml = fixture('perform-assessment-scored.xml');
    const bom = new Uint8Array(Buffer.from(`\uFEFF${xml}`, 'utf16le'));
    expect(decodeBody(bom, 'text/xml')).toBe(xml);
    const noBom = new Uint8Array(Buffer.from(xml, 'utf16le'));
    expect(decodeBody(noBom, 'text/xml; charset=utf-16')).toBe(xml);
    expect(decodeBody(new Uint8Array(Buffer.from(xml)), 'text/xml; charset=utf-8')).toBe(xml);
  });

  it('reads UTF-16 XML with neither BOM nor charset from its bytes, and UTF-8 bytes that declare utf-16', () => {
    const xml = fixture('perform-assessment-scored.xml');
    expect(xml.startsWith('<?xml version="1.0" encoding="utf-16"?>')).toBe(true);
    expect(decodeBody(new Uint8Array(Buffer.from(xml, 'utf16le')), null)).toBe(xml);
    const be = Buffer.from(xml, 'utf16le').swap16();
    expect(decodeBody(new Uint8Array(be), 'text/xml')).toBe(xml);
    expect(decodeBody(new Uint8Array(Buffer.from(xml)), null)).toBe(xml);
    expect(parseBerkeBody(decodeBody(new Uint8Array(Buffer.from(xml, 'utf16le')), null))).toMatchObject({ status: 'ok' });
  });

  it('refuses XML with a DTD (no entity expansion)', () => {
    const evil =
      '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><berkeResponse status="&x;" />';
    expect(() => parseBerkeBody(evil)).toThrow(/DTD/);
  });

  it('decodes the predefined entities in attributes', () => {
    const body = parseBerkeBody(fixture('perform-assessment-scored.xml'));
    expect((body['assessmentStatus'] as Record<string, string>)['onAssessmentCompleteRedirectToUrl']).toContain('&id=');
  });

  it.each([
    ['200.0', { http: 200, berke: 0 }],
    ['403.1003', { http: 403, berke: 1003 }],
    ['nonsense', null],
    [null, null],
  ] as const)('parses X-Response-Code %s', (header, expected) => {
    expect(parseResponseCode(header)).toEqual(expected);
  });
});
