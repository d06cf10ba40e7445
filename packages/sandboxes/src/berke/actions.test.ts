// The Berke sandbox's SendInvitation and DeleteAssessment, called over raw HTTP as the Berke docs describe them
// (docs/vendors/berke.md#recruiter-actions), without the BFF's client: required parameters, the token, and what each changes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBerkeSandbox, type BerkeSandbox } from './server.js';

describe('Berke sandbox: SendInvitation and DeleteAssessment', () => {
  let sandbox: BerkeSandbox;
  const call = async (method: string, body: Record<string, unknown>) => {
    const res = await fetch(`${sandbox.baseUrl}/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ apiToken: sandbox.apiToken, formatOutput: 'json', ...body }),
    });
    return { status: res.status, code: res.headers.get('x-response-code'), body: (await res.json()) as Record<string, unknown> };
  };
  beforeAll(async () => {
    sandbox = await startBerkeSandbox({ apiToken: 'sandbox-actions-token' });
    const made = await call('PerformAssessment', { sourceCandidateId: 'cand-a', emailAddress: 'a@example.com', firstName: 'A', lastName: 'B' });
    expect(made.status).toBe(200);
  });
  afterAll(() => sandbox.stop());

  it('sends an invitation again only with sourceCandidateId, email and the right token', async () => {
    expect((await call('SendInvitation', { sourceCandidateId: 'cand-a' })).status).toBe(400);
    expect((await call('SendInvitation', { sourceCandidateId: 'cand-a', email: 'a@example.com', apiToken: 'wrong' })).status).toBe(403);
    expect((await call('SendInvitation', { sourceCandidateId: 'nobody', email: 'a@example.com' })).status).toBe(404);
    expect((await call('SendInvitation', { sourceCandidateId: 'cand-a', email: 'a@example.com', message: 'x'.repeat(1001) })).status).toBe(400);
    const before = sandbox.candidate('cand-a')!.invitationsSent;
    const ok = await call('SendInvitation', { sourceCandidateId: 'CAND-A', email: 'a@example.com' });
    expect(ok).toMatchObject({ status: 200, body: { status: 'ok', responseCode: '200' } });
    expect(sandbox.candidate('cand-a')!.invitationsSent).toBe(before + 1);
  });

  it('deletes an assessment, after which it is not found', async () => {
    const ok = await call('DeleteAssessment', { sourceCandidateId: 'cand-a' });
    expect(ok).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect(sandbox.candidate('cand-a')).toBeNull();
    expect((await call('GetAssessmentStatus', { sourceCandidateId: 'cand-a' })).status).toBe(404);
    expect((await call('DeleteAssessment', { sourceCandidateId: 'cand-a' })).status).toBe(404);
  });
});
