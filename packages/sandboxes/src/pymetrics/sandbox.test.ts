import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseBulkResults, parseBulkStatus } from './codec.js';
import { startPymetricsSandbox, type PymetricsSandbox } from './sandbox.js';

let sandbox: PymetricsSandbox;
beforeEach(async () => {
  sandbox = await startPymetricsSandbox({ callbacks: false });
});
afterEach(async () => {
  await sandbox.stop();
});

const soap = (body: string) =>
  fetch(sandbox.endpoint, { method: 'POST', headers: { 'content-type': 'application/xml' }, body }).then(async (r) => ({
    status: r.status,
    text: await r.text(),
  }));

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
  it("answers the seed's get_bulk_status request in the seed's shape (soap11env/tns/s1 prefixes)", async () => {
    const [a, b] = [await order('x-1'), await order('x-2')];
    sandbox.advance(a, 'accept');
    const { status, text } = await soap(seedRequest('get-bulk-status-request.xml', await login(), [a, b]));
    expect(status).toBe(200);
    expect(text).toContain('<soap11env:Envelope');
    expect(text).toContain('<tns:get_bulk_statusResult><s1:AssessmentStatus><s1:status>ACCEPTED</s1:status>');
    expect(parseBulkStatus(text).map((s) => [s.order_id, s.status])).toEqual([
      [a, 'ACCEPTED'],
      [b, 'PENDING'],
    ]);
  });

  it('returns results of every order sharing the external_id and marks them FULFILLED', async () => {
    const [a, b, other] = [await order('shared'), await order('shared', '2019'), await order('someone-else')];
    for (const id of [a, b, other]) sandbox.advance(id, 'complete');
    const { text } = await soap(seedRequest('get-bulk-status-request.xml', await login(), [a]).replace(/get_bulk_status/g, 'get_bulk_results'));
    expect(parseBulkResults(text).map((r) => r.order_id).sort()).toEqual([a, b].sort());
    expect([a, b, other].map((id) => sandbox.order(id)!.status)).toEqual(['FULFILLED', 'FULFILLED', 'COMPLETED']);
  });

  it('holds results back after COMPLETED until scored when autoScore is off', async () => {
    await sandbox.stop();
    sandbox = await startPymetricsSandbox({ callbacks: false, autoScore: false });
    const id = await order('late');
    sandbox.advance(id, 'complete');
    const session = await login();
    const withSession = async () =>
      parseBulkResults((await soap(seedRequest('get-bulk-status-request.xml', session, [id]).replace(/get_bulk_status/g, 'get_bulk_results'))).text);
    expect(await withSession()).toEqual([]);
    sandbox.advance(id, 'score');
    expect((await withSession()).map((r) => r.order_id)).toEqual([id]);
  });

  it('counts calls per operation and resets the counters over the control API', async () => {
    await order('c-1');
    const counters = (await (await fetch(`${sandbox.url}/_sandbox/counters`)).json()) as { calls: Record<string, number> };
    expect(counters.calls).toEqual({ authenticate: 1, request_assessment_order: 1 });
    await fetch(`${sandbox.url}/_sandbox/counters/reset`, { method: 'POST' });
    expect(sandbox.counts()).toEqual({});
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
    expect(text).toContain('<faultstring>Your session has expired. Please use the AuthenticationService to renew it.</faultstring>');
  });
});
