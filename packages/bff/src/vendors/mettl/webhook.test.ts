// Fixture notifications (docs/vendors/mettl.md#notifications) through the parser: unified model, dedupe keys, refusals.
import { readFileSync } from 'node:fs';
import type { OrderStatus } from '@ca/shared';
import { describe, expect, it } from 'vitest';
import { makeTestContext } from '../../../testing/vendor-context.js';
import { WebhookInvalid, WebhookUnauthorized, type InboundRequest } from '../../core/vendor-port.js';
import { basicAuthValue, createWebhookParser } from './webhook.js';

const USER = 'mettl-hooks';
const PASSWORD = 'hook-password-123';
const ctx = makeTestContext({ vendor: 'mettl', config: {}, packages: [] });
const other = makeTestContext({ vendor: 'mettl', tenantId: 'globex', config: {}, packages: [] });
const parse = createWebhookParser({ webhookUser: USER, webhookPassword: PASSWORD, tickets: ctx.tickets, log: ctx.log, now: () => new Date() });

function fixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as Record<string, unknown>;
}

/** The fixture with our ticket in context_data, wrapped as the original was (`{"token": …}` or bare). */
function withTicket(payload: Record<string, unknown>, ticket: string): Record<string, unknown> {
  const wrapped = String(payload.context_data ?? '').includes('"token"');
  return { ...payload, context_data: wrapped ? JSON.stringify({ token: ticket }) : ticket };
}

function request(body: unknown, o: { auth?: string | null; query?: string } = {}): InboundRequest {
  const headers = new Headers({ 'content-type': 'application/json' });
  const auth = o.auth === undefined ? `Basic ${basicAuthValue(USER, PASSWORD)}` : o.auth;
  if (auth !== null) headers.set('authorization', auth);
  return { method: 'POST', headers, query: new URLSearchParams(o.query ?? ''), body: typeof body === 'string' ? body : JSON.stringify(body) };
}

describe('Mettl notifications', () => {
  it.each<{ file: string; status: OrderStatus; vendorStatus: string; vendorTime: string; key: string }>([
    { file: 'start-2014.json', status: 'in_progress', vendorStatus: 'startAssessment', vendorTime: '2014-08-29T08:55:26.000Z', key: 'start' },
    { file: 'finish-2014.json', status: 'completed', vendorStatus: 'finishTest', vendorTime: '2014-08-29T09:48:53.000Z', key: 'finish:2014-08-29T09:48:53.000Z' },
    { file: 'finish-2024.json', status: 'completed', vendorStatus: 'finishTest', vendorTime: '2024-08-16T13:14:21.000Z', key: 'finish:2024-08-16T13:14:21.000Z' },
    { file: 'graded-2024.json', status: 'scored', vendorStatus: 'gradedAssessment', vendorTime: '2024-08-16T13:14:22.000Z', key: 'graded:2024-08-16T13:14:21.000Z' },
    { file: 'finish-expired-2024.json', status: 'expired', vendorStatus: 'TestExpired', vendorTime: '2024-08-16T13:14:21.000Z', key: 'finish-expired:2024-08-16T13:14:21.000Z' },
    { file: 'graded-expired-2024.json', status: 'expired', vendorStatus: 'TestExpired', vendorTime: '2024-08-16T13:14:22.000Z', key: 'graded-expired:2024-08-16T13:14:21.000Z' },
    { file: 'resume-enabled.json', status: 'in_progress', vendorStatus: 'resumeEnabledForExpiredTest', vendorTime: '2024-08-16T14:02:10.000Z', key: 'resume:2024-08-16T14:02:10.000Z' },
  ])('parses $file into $status', async ({ file, status, vendorStatus, vendorTime, key }) => {
    const updates = await parse(request(withTicket(fixture(file), ctx.tickets.sign('ord_fixture'))));
    expect(updates).toHaveLength(1);
    const [u] = updates;
    expect(u!.match).toEqual({ orderId: 'ord_fixture' });
    expect(u!.status).toBe(status);
    expect(u!.vendorStatus).toBe(vendorStatus);
    expect(u!.vendorTime.toISOString()).toBe(vendorTime);
    expect(u!.dedupeKey).toBe(key);
  });

  it('maps the 2024 graded payload to a result: percentage, sections from the sectional_scores string, credibility, report', async () => {
    const [u] = await parse(request(withTicket(fixture('graded-2024.json'), ctx.tickets.sign('ord_1'))));
    expect(u!.result).toEqual({
      score: 0,
      maxScore: 100,
      band: 'Poor',
      subScores: [{ label: 'Section #1', value: 0, max: 1 }],
      flags: [
        { code: 'credibility', label: 'Credibility', value: 'Not Applicable', severity: 'info' },
        // docs/vendors/mettl.md#results: "In reports that contain these elements, the recommendation(s) … are also included".
        { code: 'recommendation', label: 'Performance Category', value: 'Poor', severity: 'info' },
      ],
      jobFits: [],
      completedAt: '2024-08-16T13:14:21.000Z',
      reportAvailable: true,
    });
  });

  it('shows no marks for a psychometric assessment, only its recommendation and response style (docs/vendors/mettl.md#results)', async () => {
    const psycho = createWebhookParser({
      webhookUser: USER,
      webhookPassword: PASSWORD,
      tickets: ctx.tickets,
      log: ctx.log,
      now: () => new Date(),
      isPsychometric: (id) => id === '1225766',
    });
    const payload = fixture('graded-2024.json');
    const analysis = (payload.testStatus as { result: { analysis: Record<string, unknown> } }).result.analysis;
    analysis.recommendation = [{ type: 'Overall Recommendation', value: 'Recommended' }];
    analysis.responseStyles = [{ type: 'Response Style', value: 'Consistent' }];
    const [u] = await psycho(request(withTicket({ ...payload, assessmentId: 1225766, marks_scored: 7.5, max_marks: 10 }, ctx.tickets.sign('ord_1'))));
    expect(u!.result).toMatchObject({ band: 'Recommended', subScores: [] });
    expect(u!.result?.score).toBeUndefined();
    expect(u!.result?.flags).toEqual(
      expect.arrayContaining([
        { code: 'recommendation', label: 'Overall Recommendation', value: 'Recommended', severity: 'info' },
        { code: 'response_style', label: 'Response Style', value: 'Consistent', severity: 'info' },
      ]),
    );
  });

  it('keeps the partial result of an expired test and flags how it ended', async () => {
    const [u] = await parse(request(withTicket(fixture('graded-expired-2024.json'), ctx.tickets.sign('ord_1'))));
    expect(u!.result?.flags).toContainEqual({ code: 'completion_mode', label: 'Completion', value: 'Expired', severity: 'warning' });
  });

  it('flags low credibility as a warning and computes the percentage from marks', async () => {
    const payload = fixture('graded-2024.json');
    const testStatus = payload.testStatus as { result: Record<string, unknown> };
    testStatus.result.candidateCredibilityIndex = 'Low';
    const [u] = await parse(request(withTicket({ ...payload, marks_scored: 7.5, max_marks: 10 }, ctx.tickets.sign('ord_1'))));
    expect(u!.result?.score).toBe(75);
    expect(u!.result?.flags[0]).toEqual({ code: 'credibility', label: 'Credibility', value: 'Low', severity: 'warning' });
  });

  it('falls back to testStatus.result.sectionMarks when sectional_scores is missing or not JSON', async () => {
    for (const sectional of [undefined, 'not json']) {
      const payload = { ...fixture('graded-2024.json'), sectional_scores: sectional };
      const [u] = await parse(request(withTicket(payload, ctx.tickets.sign('ord_1'))));
      expect(u!.result?.subScores).toEqual([{ label: 'Section #1', value: 0, max: 1 }]);
    }
  });

  it('parses a graded notification that lacks testStatus and report links', async () => {
    const { testStatus: _t, ...payload } = fixture('graded-2024.json');
    const [u] = await parse(request(withTicket(payload, ctx.tickets.sign('ord_1'))));
    expect(u!.status).toBe('scored');
    expect(u!.result?.score).toBe(0);
    expect(u!.result?.reportAvailable).toBe(false);
  });

  it('gives the same delivery twice the same dedupe key', async () => {
    const body = JSON.stringify(withTicket(fixture('graded-2024.json'), ctx.tickets.sign('ord_1')));
    const [a] = await parse(request(body));
    const [b] = await parse(request(body));
    expect(a!.dedupeKey).toBe(b!.dedupeKey);
  });

  it('accepts the configured value without the "Basic" scheme too', async () => {
    const updates = await parse(request(withTicket(fixture('start-2014.json'), ctx.tickets.sign('ord_1')), { auth: basicAuthValue(USER, PASSWORD) }));
    expect(updates[0]!.status).toBe('in_progress');
  });

  it.each([
    ['no Authorization header', null],
    ['a wrong password', `Basic ${basicAuthValue(USER, 'wrong')}`],
    ['another scheme', `Bearer ${basicAuthValue(USER, PASSWORD)}`],
  ])('refuses a notification with %s', async (_what, auth) => {
    await expect(parse(request(withTicket(fixture('start-2014.json'), ctx.tickets.sign('ord_1')), { auth }))).rejects.toBeInstanceOf(
      WebhookUnauthorized,
    );
  });

  it.each([
    ['the integrator context_data of the sample', (p: Record<string, unknown>) => p],
    ['a forged ticket', (p: Record<string, unknown>) => ({ ...p, context_data: 'ord_1.AAAAAAAAAAAAAAAAAAAAAA' })],
    ['a ticket for another order id spliced in', (p: Record<string, unknown>) => ({ ...p, context_data: `ord_2.${ctx.tickets.sign('ord_1').split('.')[1]}` })],
    ['a ticket of another tenant', (p: Record<string, unknown>) => ({ ...p, context_data: other.tickets.sign('ord_1') })],
    ['no context_data', (p: Record<string, unknown>) => ({ ...p, context_data: undefined })],
  ])('refuses a notification with %s, even with a good Basic header', async (_what, tamper) => {
    await expect(parse(request(tamper(fixture('graded-2024.json'))))).rejects.toBeInstanceOf(WebhookUnauthorized);
  });

  it('answers a body that is not JSON as invalid, after authentication', async () => {
    await expect(parse(request('{not json'))).rejects.toBeInstanceOf(WebhookInvalid);
    await expect(parse(request('{not json', { auth: null }))).rejects.toBeInstanceOf(WebhookUnauthorized);
  });

  it('ignores an authentic notification of an unknown type, unless it came to the resume URL', async () => {
    const payload = withTicket({ ...fixture('start-2014.json'), EVENT_TYPE: 'somethingNew' }, ctx.tickets.sign('ord_1'));
    expect(await parse(request(payload))).toEqual([]);
    const [u] = await parse(request(payload, { query: 'event=resume' }));
    expect(u!.status).toBe('in_progress');
  });
});
