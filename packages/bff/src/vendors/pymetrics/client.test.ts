import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VendorError, type VendorLogger } from '../../core/vendor-port.js';
import { PymetricsClient, SESSION_EXPIRED } from './client.js';
import { startPymetricsSandbox, type PymetricsSandbox, type PymetricsSandboxOptions } from '@ca/sandboxes';

function logger() {
  const lines: string[] = [];
  const line = (level: string) => (obj: object, msg?: string) => lines.push(JSON.stringify({ level, ...obj, msg }));
  const log: VendorLogger = { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') };
  return { log, lines };
}

let sandbox: PymetricsSandbox;
let lines: string[];

async function setup(opts: PymetricsSandboxOptions = {}, client: { timeoutMs?: number; secret?: string } = {}) {
  sandbox = await startPymetricsSandbox(opts);
  const l = logger();
  lines = l.lines;
  return new PymetricsClient({
    endpoint: sandbox.endpoint,
    clientId: sandbox.clientId,
    clientSecret: client.secret ?? sandbox.clientSecret,
    fetch: globalThis.fetch,
    log: l.log,
    now: () => new Date(),
    ...(client.timeoutMs ? { timeoutMs: client.timeoutMs } : {}),
  });
}

const order = (externalId: string) => ({
  first_name: 'Ada',
  last_name: 'Lovelace',
  assessment_id: '33',
  external_id: externalId,
  email: 'ada@example.com',
});

afterEach(async () => {
  await sandbox?.stop();
});

describe('pymetrics client sessions', () => {
  it('authenticates once and reuses the session for later calls', async () => {
    const client = await setup();
    await client.echo('a');
    await client.echo('b');
    await client.listAssessments('XYZ123');
    expect(sandbox.calls()).toMatchObject({ authenticate: 1, echo: 2, list_assessments: 1 });
  });

  it('renews a session that expires mid-run once, shared by concurrent calls, and loses no call', async () => {
    const client = await setup();
    const placed = await Promise.all(['a', 'b', 'c'].map((x) => client.requestAssessmentOrder(order(x))));
    sandbox.expireSessions();
    sandbox.resetCalls();
    const ids = placed.map((p) => p.order_id!);
    const answers = await Promise.all([
      ...ids.map((id) => client.getBulkStatus([id])),
      client.getBulkStatus(ids),
      client.echo('still here'),
      client.getReport(ids[0]!),
    ]);
    expect(answers).toHaveLength(6);
    expect(answers.slice(0, 3).map((a) => (a as { order_id: string }[])[0]!.order_id)).toEqual(ids);
    expect(answers[4]).toBe('still here');
    // Each call failed once on the dead session and was retried once; one authenticate for all of them.
    expect(sandbox.calls()).toEqual({ authenticate: 1, get_bulk_status: 8, echo: 2, get_report: 2 });
    expect(lines.filter((l) => l.includes('renewing once'))).toHaveLength(6);
  });

  it('renews shortly before expiry_period without waiting for the fault', async () => {
    const client = await setup({ sessionSeconds: 1 });
    await client.echo('a');
    await new Promise((r) => setTimeout(r, 1_000));
    await client.echo('b');
    expect(sandbox.calls()).toEqual({ authenticate: 2, echo: 2 });
    expect(lines.some((l) => l.includes('renewing once'))).toBe(false);
  });

  it('retries a call only once when the fresh session is refused too', async () => {
    const client = await setup({ sessionSeconds: 0 });
    const err = await client.echo('x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VendorError);
    expect((err as VendorError).retryable).toBe(true);
    expect(sandbox.calls()).toEqual({ authenticate: 2, echo: 2 });
  });

  it('fails with a VendorError naming no secret when the credentials are wrong', async () => {
    const wrong = 'definitely-wrong-secret-123';
    const client = await setup({}, { secret: wrong });
    const err = (await client.echo('x').catch((e: unknown) => e)) as VendorError;
    expect(err).toBeInstanceOf(VendorError);
    expect(err.code).toBe('vendor_auth_failed');
    expect(err.message).toMatch(/authentication failed/i);
    expect(JSON.stringify({ m: err.message, s: err.stack })).not.toContain(wrong);
    expect(lines.join('\n')).not.toContain(wrong);
  });
});

describe('pymetrics client against broken or hostile responses', () => {
  it.each([
    ['dtd', /DTD/],
    ['entity', /DTD/],
    ['malformed', /well-formed|could not be read/],
    ['huge', /too large/],
    ['http503', /HTTP 503/],
    ['server-fault', /Server/],
  ] as const)('fails the call cleanly on %s as a retryable VendorError, then works again', async (mode, message) => {
    const client = await setup();
    await client.echo('warm');
    sandbox.sabotage(mode);
    const err = (await client.echo('x').catch((e: unknown) => e)) as VendorError;
    expect(err).toBeInstanceOf(VendorError);
    expect(err.retryable).toBe(true);
    expect(err.message).toMatch(message);
    expect(await client.echo('after')).toBe('after');
  });

  it('gives up on a peer that never finishes its answer, within the timeout', async () => {
    const client = await setup({}, { timeoutMs: 500 });
    await client.echo('warm');
    sandbox.sabotage('hang');
    const started = Date.now();
    const err = (await client.echo('x').catch((e: unknown) => e)) as VendorError;
    expect(err).toBeInstanceOf(VendorError);
    expect(err.retryable).toBe(true);
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('treats a Client fault as not worth retrying', async () => {
    const client = await setup();
    const err = (await client.requestAssessmentOrder({ ...order('x'), assessment_id: '999' }).catch((e: unknown) => e)) as VendorError;
    expect(err).toBeInstanceOf(VendorError);
    expect(err.retryable).toBe(false);
    expect(err.message).toContain('Unknown assessment_id 999');
  });
});

describe('pymetrics sandbox wire', () => {
  // The guide's raw samples put RequestHeader's children in the service namespace (docs/vendors/pymetrics.md#request-header).
  beforeEach(async () => {
    await setup({ headerNamespace: 'sample' });
  });

  it('accepts the documented sample request (pym:request_assessment body element) posted as raw XML', async () => {
    const auth = await fetch(sandbox.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/xml' },
      body: readFileSync(new URL('./fixtures/request-assessment-request.xml', import.meta.url), 'utf8')
        .replace('{{ session_id }}', 'nope')
        .replace('{{ client_id }}', sandbox.clientId)
        .replace('{{ assessment_id }}', '33'),
    });
    expect(auth.status).toBe(500);
    expect(await auth.text()).toContain(SESSION_EXPIRED);

    const login = await fetch(sandbox.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/xml' },
      body: `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:pym="pym.intg.ws.3.0.0"><soapenv:Header/><soapenv:Body><pym:authenticate><pym:client_id>${sandbox.clientId}</pym:client_id><pym:client_secret>${sandbox.clientSecret}</pym:client_secret></pym:authenticate></soapenv:Body></soapenv:Envelope>`,
    });
    const session = /<s1:session_id>([0-9a-f]+)<\/s1:session_id>/.exec(await login.text())![1]!;
    const res = await fetch(sandbox.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/xml' },
      body: readFileSync(new URL('./fixtures/request-assessment-request.xml', import.meta.url), 'utf8')
        .replace('{{ session_id }}', session)
        .replace('{{ client_id }}', sandbox.clientId)
        .replace('{{ assessment_id }}', '33'),
    });
    const text = await res.text();
    expect(res.status).toBe(200);
    expect(text).toContain('request_assessment_orderResponse');
    expect(text).toMatch(/<s1:order_id>\d+<\/s1:order_id>/);
    expect(sandbox.orders()[0]).toMatchObject({
      externalId: 'ATS-ID-0001',
      firstName: 'Pass',
      city: 'New York',
      country: 'US',
      locale: 'en',
      callbackUrl: 'http://example.com/TEST1-0001',
      status: 'PENDING',
    });
  });

  it('serves the WSDL with its own endpoint as the service address', async () => {
    const wsdl = await (await fetch(sandbox.wsdlUrl)).text();
    expect(wsdl).toContain(`<soap:address location="${sandbox.endpoint}"/>`);
    expect(wsdl).toContain('<wsdl:operation name="request_assessment_order">');
  });
});

describe('pymetrics service address', () => {
  it('is the soap:address of our WSDL copy when no endpoint is configured', async () => {
    const called: string[] = [];
    const client = new PymetricsClient({
      clientId: 'id',
      clientSecret: 'secret-never-logged',
      fetch: (async (url: string | URL) => {
        called.push(String(url));
        return new Response('unavailable', { status: 503 });
      }) as typeof fetch,
      log: logger().log,
      now: () => new Date(),
    });
    await expect(client.echo('x')).rejects.toBeInstanceOf(VendorError);
    // docs/vendors/pymetrics.md#wsdl, packages/shared/wsdl/pymetrics.wsdl: <soap:address location="https://www.pymetrics.com/integrations/webservice/v3/"/>
    expect(called[0]).toBe('https://www.pymetrics.com/integrations/webservice/v3/');
  });
});
