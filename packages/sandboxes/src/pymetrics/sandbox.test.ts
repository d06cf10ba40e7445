// The pymetrics sandbox over HTTP with the V3 guide's own requests (docs/vendors/pymetrics.md#fixtures); answers read with plain patterns, not the BFF's codec.
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startPymetricsSandbox, type PymetricsSandbox } from './server.js';
import { SESSION_EXPIRED } from './wire.js';

let sandbox: PymetricsSandbox;
// The guide's raw samples put RequestHeader's children in the service namespace (docs/vendors/pymetrics.md#request-header).
beforeEach(async () => {
  sandbox = await startPymetricsSandbox({ callbacks: false, headerNamespace: 'sample' });
});
afterEach(async () => {
  await sandbox.stop();
});

const soap = (body: string) =>
  fetch(sandbox.endpoint, { method: 'POST', headers: { 'content-type': 'application/xml' }, body }).then(async (r) => ({
    status: r.status,
    text: await r.text(),
  }));

/** `[order_id, status]` of each `<s1:AssessmentStatus>` of a get_bulk_status answer. */
const bulkStatus = (xml: string) =>
  [...xml.matchAll(/<s1:AssessmentStatus>(.*?)<\/s1:AssessmentStatus>/g)].map((m) => [
    /<s1:order_id>(.*?)<\/s1:order_id>/.exec(m[1]!)![1],
    /<s1:status>(.*?)<\/s1:status>/.exec(m[1]!)![1],
  ]);
/** `order_id` of each `<s1:AssessmentResultFullResponse>` of a get_bulk_results answer. */
const bulkResults = (xml: string) =>
  [...xml.matchAll(/<s1:AssessmentResultFullResponse>(.*?)<\/s1:AssessmentResultFullResponse>/g)].map(
    (m) => /<s1:order_id>(.*?)<\/s1:order_id>/.exec(m[1]!)![1],
  );

async function login(): Promise<string> {
  const { text } = await soap(
    `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:pym="pym.intg.ws.3.0.0"><soapenv:Header/><soapenv:Body><pym:authenticate><pym:client_id>${sandbox.clientId}</pym:client_id><pym:client_secret>${sandbox.clientSecret}</pym:client_secret></pym:authenticate></soapenv:Body></soapenv:Envelope>`,
  );
  return /<s1:session_id>([0-9a-f]+)<\/s1:session_id>/.exec(text)![1]!;
}

const seedRequest = (name: string, session: string, ids: string[]) =>
  readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')
    .replace('{{ session_id }}', session)
    .replace('{{ client_id }}', sandbox.clientId)
    .replace(/<pym:integer>13263<\/pym:integer>\s*<pym:integer>13268<\/pym:integer>/, ids.map((i) => `<pym:integer>${i}</pym:integer>`).join(''));

async function order(externalId: string, assessmentId = '33'): Promise<string> {
  const session = await login();
  const { text } = await soap(
    readFileSync(new URL('./fixtures/request-assessment-request.xml', import.meta.url), 'utf8')
      .replace('{{ session_id }}', session)
      .replace('{{ client_id }}', sandbox.clientId)
      .replace('{{ assessment_id }}', assessmentId)
      .replace('ATS-ID-0001', externalId),
  );
  return /<s1:order_id>(\d+)<\/s1:order_id>/.exec(text)![1]!;
}

describe('pymetrics sandbox', () => {
  it("answers the guide's get_bulk_status request in the guide's shape (soap11env/tns/s1 prefixes)", async () => {
    const [a, b] = [await order('x-1'), await order('x-2')];
    await sandbox.advance(a, 'accept');
    const { status, text } = await soap(seedRequest('get-bulk-status-request.xml', await login(), [a, b]));
    expect(status).toBe(200);
    expect(text).toContain('<soap11env:Envelope');
    expect(text).toContain('<tns:get_bulk_statusResult><s1:AssessmentStatus><s1:status>ACCEPTED</s1:status>');
    expect(bulkStatus(text)).toEqual([
      [a, 'ACCEPTED'],
      [b, 'PENDING'],
    ]);
  });

  it('returns results of every order sharing the external_id and marks them FULFILLED', async () => {
    const [a, b, other] = [await order('shared'), await order('shared', '2019'), await order('someone-else')];
    for (const id of [a, b, other]) await sandbox.advance(id, 'complete');
    const { text } = await soap(seedRequest('get-bulk-status-request.xml', await login(), [a]).replace(/get_bulk_status/g, 'get_bulk_results'));
    expect(bulkResults(text).sort()).toEqual([a, b].sort());
    expect([a, b, other].map((id) => sandbox.order(id)!.status)).toEqual(['FULFILLED', 'FULFILLED', 'COMPLETED']);
  });

  it('holds results back after COMPLETED until scored when autoScore is off', async () => {
    await sandbox.stop();
    sandbox = await startPymetricsSandbox({ callbacks: false, autoScore: false, headerNamespace: 'sample' });
    const id = await order('late');
    await sandbox.advance(id, 'complete');
    const session = await login();
    const withSession = async () =>
      bulkResults((await soap(seedRequest('get-bulk-status-request.xml', session, [id]).replace(/get_bulk_status/g, 'get_bulk_results'))).text);
    expect(await withSession()).toEqual([]);
    await sandbox.advance(id, 'score');
    expect(await withSession()).toEqual([id]);
  });

  it('counts calls per operation and resets the counters over the control API', async () => {
    await order('c-1');
    const counters = (await (await fetch(`${sandbox.url}/_sandbox/counters`)).json()) as { calls: Record<string, number> };
    expect(counters.calls).toEqual({ authenticate: 1, request_assessment_order: 1 });
    await fetch(`${sandbox.url}/_sandbox/counters/reset`, { method: 'POST' });
    expect(sandbox.calls()).toEqual({});
  });

  it('advances an order over the control API and refuses to go back', async () => {
    const id = await order('c-2');
    const post = (step: string) =>
      fetch(`${sandbox.url}/_sandbox/orders/${id}/advance`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ step, fitscore: 77, band: 'Recommend', passed: true }),
      });
    expect((await post('start')).status).toBe(200);
    expect(sandbox.order(id)).toMatchObject({ status: 'IN_PROGRESS', result: { fitscore: 77, band: 'Recommend', passed: true } });
    expect((await post('accept')).status).toBe(409);
    expect((await post('fly')).status).toBe(409);
    const list = (await (await fetch(`${sandbox.url}/_sandbox/orders`)).json()) as { orders: { orderId: string }[] };
    expect(list.orders.map((o) => o.orderId)).toEqual([id]);
  });

  it('serves a candidate page with plain forms, no script, under a strict CSP', async () => {
    const id = await order('c-3');
    const url = sandbox.order(id)!.inviteUrl;
    const pending = await fetch(url);
    expect(pending.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await pending.text();
    expect(html).not.toMatch(/<script|on\w+=/i);
    expect(html).toContain('Approve invitation (sandbox)');
    const res = await fetch(`${url}accept`, { method: 'POST', redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(new URL(url).pathname);
    expect(sandbox.order(id)!.status).toBe('ACCEPTED');
    expect((await fetch(`${sandbox.url}/invite/sc.${'0'.repeat(32)}/`)).status).toBe(404);
  });

  it('refuses calls without a live session with the documented fault text', async () => {
    const { status, text } = await soap(seedRequest('get-bulk-status-request.xml', 'forged', ['1']));
    expect(status).toBe(500);
    expect(text).toContain(`<faultstring>${SESSION_EXPIRED}</faultstring>`);
  });

  it('refuses a step back or an unknown order with StepRefused', async () => {
    const id = await order('c-4');
    await sandbox.advance(id, 'start');
    await expect(sandbox.advance(id, 'accept')).rejects.toMatchObject({ name: 'StepRefused', message: expect.stringContaining('cannot go back') });
    await expect(sandbox.advance('99999', 'start')).rejects.toMatchObject({ name: 'StepRefused' });
  });
});

describe('pymetrics sandbox RequestHeader namespace', () => {
  const WALKTHROUGH_NS = 'https://www.pymetrics.com/integrations/webservice/v3/wsdl/';
  /** The guide's request with the header's children where its zeep walkthrough puts them. */
  const walkthrough = (xml: string) =>
    xml.replace(/<pym:(session_id|client_id)>(.*?)<\/pym:\1>/g, `<w:$1 xmlns:w="${WALKTHROUGH_NS}">$2</w:$1>`);

  it('by default wants the walkthrough namespace and refuses the raw sample one with a Client fault', async () => {
    await sandbox.stop();
    sandbox = await startPymetricsSandbox({ callbacks: false });
    const session = await login();
    const sample = await soap(seedRequest('get-bulk-status-request.xml', session, ['1']));
    expect(sample.status).toBe(500);
    expect(sample.text).toContain('soap11env:Client');
    expect(sample.text).toContain(`RequestHeader session_id must be in namespace ${WALKTHROUGH_NS}, not pym.intg.ws.3.0.0`);
    const ok = await soap(walkthrough(seedRequest('get-bulk-status-request.xml', session, ['1'])));
    expect(ok.status).toBe(200);
    expect(ok.text).toContain('<tns:get_bulk_statusResult>');
  });

  it("started with headerNamespace 'sample', refuses the walkthrough one", async () => {
    const { status, text } = await soap(walkthrough(seedRequest('get-bulk-status-request.xml', await login(), ['1'])));
    expect(status).toBe(500);
    expect(text).toContain(`RequestHeader session_id must be in namespace pym.intg.ws.3.0.0, not ${WALKTHROUGH_NS}`);
  });
});

describe('pymetrics sandbox outages', () => {
  const echo = async (session: string) =>
    soap(
      `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:pym="pym.intg.ws.3.0.0"><soapenv:Header><pym:RequestHeader><pym:session_id>${session}</pym:session_id><pym:client_id>${sandbox.clientId}</pym:client_id></pym:RequestHeader></soapenv:Header><soapenv:Body><pym:echo><pym:echo>hi</pym:echo></pym:echo></soapenv:Body></soapenv:Envelope>`,
    );

  it('answers a SOAP Server fault with HTTP 500 on error, and recovers on none', async () => {
    const session = await login();
    await sandbox.outage('error');
    const down = await echo(session);
    expect(down.status).toBe(500);
    expect(down.text).toContain('<faultcode>soap11env:Server</faultcode>');
    await sandbox.outage('none');
    const up = await echo(session);
    expect(up.status).toBe(200);
    expect(up.text).toContain('<tns:echoResult>hi</tns:echoResult>');
  });

  it('never answers on hang and closes the socket on drop', async () => {
    await sandbox.outage('hang');
    const hung = await fetch(sandbox.endpoint, { method: 'POST', body: '<x/>', signal: AbortSignal.timeout(300) }).then(
      () => 'answered',
      (e: Error) => e.name,
    );
    expect(hung).toBe('TimeoutError');
    await sandbox.outage('drop');
    const dropped = await fetch(sandbox.endpoint, { method: 'POST', body: '<x/>', signal: AbortSignal.timeout(5_000) }).then(
      () => 'answered',
      (e: Error) => (e.cause as { code?: string } | undefined)?.code ?? e.name,
    );
    expect(dropped).toMatch(/ECONNRESET|UND_ERR_SOCKET|other side closed/);
    await sandbox.outage('none');
    expect((await echo(await login())).status).toBe(200);
  });

  it('counts calls per SOAP operation', async () => {
    const session = await login();
    await echo(session);
    await echo(session);
    expect(sandbox.calls()).toEqual({ authenticate: 1, echo: 2 });
    sandbox.resetCalls();
    expect(sandbox.calls()).toEqual({});
  });
});
