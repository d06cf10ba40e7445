// The demo itself, without a browser: its ATS pages carry a strict CSP and no inline script or secret, its token
// endpoint mints a token for the right candidate and role, the simulation refuses what a sandbox refuses, its
// next-step hints walk every vendor's order to a result, and a taken port gives a clear message.
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemo, type Demo } from '@ca/demo';
import { sandboxModuleList } from '@ca/sandboxes';

/** The claims of a JWT, unverified (the BFF verifies; here we only read what the ATS was given). */
const claimsOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown> & { iat: number; exp: number };

describe('the demo ATS', () => {
  let demo: Demo;
  /** The Cookie header of a demo ATS session, signed in through its login form. */
  const signIn = async (role: 'recruiter' | 'candidate', candidate?: string) => {
    const res = await fetch(`${demo.atsUrl}/login`, { method: 'POST', body: new URLSearchParams({ role, ...(candidate ? { candidate } : {}) }), redirect: 'manual' });
    expect(res.status).toBe(303);
    return res.headers.get('set-cookie')!.split(';')[0]!;
  };
  beforeAll(async () => {
    demo = await startDemo({ bffPort: 0, atsPort: 0, database: 'memory:', logLevel: 'silent' });
  });
  afterAll(async () => {
    await demo?.stop();
  });

  it('serves its pages from another origin with a strict CSP, no inline script and no secret', async () => {
    expect(new URL(demo.atsUrl).origin).not.toBe(new URL(demo.bffUrl).origin);
    const recruiter = await signIn('recruiter');
    for (const url of [`${demo.atsUrl}/`, `${demo.atsUrl}/login`, demo.recruiterUrl('cand-1001'), demo.portalUrl('cand-1001'), `${demo.atsUrl}/ats.js`]) {
      const res = await fetch(url, { headers: { cookie: recruiter } });
      expect(res.status).toBe(200);
      const csp = res.headers.get('content-security-policy')!;
      expect(csp).toContain(`script-src 'self' ${demo.bffUrl}`);
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).not.toContain('unsafe-eval');
      const body = await res.text();
      expect(body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
      expect(body).not.toMatch(/\sstyle="|\son[a-z]+="/);
      for (const s of demo.secrets()) expect(body).not.toContain(s.value);
    }
    const profile = await (await fetch(demo.recruiterUrl('cand-1001'), { headers: { cookie: recruiter } })).text();
    expect(profile).toContain(`<script type="module" src="${demo.bffUrl}/widget.js"></script>`);
    expect(profile).toContain(`<candidate-assessment api="${demo.bffUrl}" data-role="recruiter" data-candidate="cand-1001">`);
  });

  it("mints a widget token through POST /v1/widget-sessions with the role of the ATS's own session, never the query's", async () => {
    const grace = await signIn('candidate', 'cand-1002');
    const token = (query: string, cookie?: string) => fetch(`${demo.atsUrl}/ats/token?${query}`, cookie ? { headers: { cookie } } : {});
    const res = await token('candidate=cand-1002', grace);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const claims = claimsOf(await res.text());
    expect(claims).toMatchObject({ iss: 'acme', sub: 'cand-1002', role: 'candidate', cand: { firstName: 'Grace', lastName: 'Hopper' } });
    expect(claims.exp - claims.iat).toBeLessThanOrEqual(900);
    // a candidate asking for a recruiter token still gets a candidate one; another candidate's token, none
    expect(claimsOf(await (await token('role=recruiter&candidate=cand-1002', grace)).text()).role).toBe('candidate');
    expect((await token('role=candidate&candidate=cand-1001', grace)).status).toBe(403);
    // no session, no token; a forged cookie is no session
    expect((await token('role=recruiter&candidate=cand-1002')).status).toBe(401);
    expect((await token('role=recruiter&candidate=cand-1002', `${grace.split('.')[0]}.forged`)).status).toBe(401);
    const recruiter = await signIn('recruiter');
    expect(claimsOf(await (await token('role=recruiter&candidate=cand-1002', recruiter)).text()).role).toBe('recruiter');
    expect(claimsOf(await (await token('role=candidate&candidate=cand-1002', recruiter)).text()).role).toBe('candidate'); // preview: narrower only
    expect((await token('role=admin&candidate=cand-1002', recruiter)).status).toBe(400);
    expect((await token('role=recruiter&candidate=nobody', recruiter)).status).toBe(400);
    // pages are for their own people: the portal of another candidate, or the recruiter profile, sends a candidate to sign in
    for (const url of [demo.portalUrl('cand-1001'), demo.recruiterUrl('cand-1002')]) {
      const page = await fetch(url, { headers: { cookie: grace }, redirect: 'manual' });
      expect(page.status).toBe(302);
      expect(page.headers.get('location')).toMatch(/^\/login\?next=/);
    }
  });

  it('passes on a sandbox refusal as a sentence, not the sandbox answer', async () => {
    const apiKey = demo.secrets().find((s) => s.name === 'tenant API key')!.value;
    const placed = await fetch(`${demo.bffUrl}/v1/orders`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${apiKey}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ packageId: 'pym-games', candidateId: 'cand-1003', candidate: { firstName: 'Alan', lastName: 'Turing', email: 'alan.turing@example.com' } }),
    });
    const { order } = (await placed.json()) as { order: { id: string } };
    const sim = (action: string) =>
      fetch(`${demo.atsUrl}/ats/simulation?candidate=cand-1003`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ orderId: order.id, action }) });
    let res = await sim('complete');
    for (let i = 0; i < 50 && res.status === 409 && (await res.clone().text()).includes('not received'); i++) {
      await new Promise((r) => setTimeout(r, 100));
      res = await sim('complete');
    }
    expect(res.status).toBe(200); // PENDING → COMPLETED is allowed by the sandbox
    const back = await sim('accept');
    expect(back.status).toBe(409);
    expect(await back.json()).toEqual({ error: expect.stringContaining('cannot go back') });
    expect((await sim('launch-rockets')).status).toBe(400);
    const list = await (await fetch(`${demo.atsUrl}/ats/simulation?candidate=cand-1003`)).json();
    expect(list).toMatchObject({ orders: [{ id: order.id, vendor: 'pymetrics', actions: expect.arrayContaining([{ id: 'score', label: 'Results released' }]) }] });
  });

  it("names each order's next simulator step, and following the hints takes every vendor's order to its result", async () => {
    const apiKey = demo.secrets().find((s) => s.name === 'tenant API key')!.value;
    const packages = ((await (await fetch(`${demo.bffUrl}/v1/packages`, { headers: { Authorization: `Bearer ${apiKey}` } })).json()) as { packages: { id: string; vendor: string }[] }).packages;
    type SimOrder = { id: string; vendor: string; status: string; next: { step: { id: string; label: string } | null; hint: string }; actions: { id: string; label: string }[] };
    const candidate = 'cand-1004';
    const simOrders = async () => ((await (await fetch(`${demo.atsUrl}/ats/simulation?candidate=${candidate}`)).json()) as { orders: SimOrder[] }).orders;
    const until = async (id: string, done: (o: SimOrder) => boolean, what: string) => {
      for (let i = 0; i < 300; i++) {
        const o = (await simOrders()).find((x) => x.id === id);
        if (o && done(o)) return o;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`order ${id}: ${what}`);
    };
    for (const vendor of [...new Set(packages.map((p) => p.vendor))]) {
      const packageId = packages.find((p) => p.vendor === vendor)!.id;
      const placed = await fetch(`${demo.bffUrl}/v1/orders`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${apiKey}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ packageId, candidateId: candidate, candidate: { firstName: 'Katherine', lastName: 'Johnson', email: 'katherine.johnson@example.com' } }),
      });
      const { order } = (await placed.json()) as { order: { id: string } };
      // Until the vendor has it, the hint says to wait and the panel asks again; then it names a step (pymetrics:
      // "pymetrics approves", the step a presenter could not guess).
      let o = await until(order.id, (x) => x.next.step !== null, `no next step for a new ${vendor} order`);
      if (vendor === 'pymetrics') expect(o.next).toEqual({ step: { id: 'accept', label: 'pymetrics approves' }, hint: 'Next: “pymetrics approves”.', waiting: false });
      const pressed: string[] = [];
      while (o.next.step) {
        const step = o.next.step.id;
        expect(o.actions.map((a) => a.id)).toContain(step);
        pressed.push(step);
        const res = await fetch(`${demo.atsUrl}/ats/simulation?candidate=${candidate}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ orderId: o.id, action: step }) });
        expect(res.status, `${vendor} ${step}: ${await res.clone().text()}`).toBe(200);
        const before = o.status;
        o = await until(o.id, (x) => x.status !== before, `${vendor}: "${step}" did not move the order on from ${before}`);
        expect(pressed.length, `${vendor} hints go round in circles: ${pressed.join(' → ')}`).toBeLessThan(8);
      }
      // The end of the line: scored where the sandbox has a step after "completed", else completed (PSI sends no score).
      const scores = sandboxModuleList.find((m) => m.vendor === vendor)!.steps.some((step) => step.next?.includes('completed'));
      expect([vendor, o.status]).toEqual([vendor, scores ? 'scored' : 'completed']);
      expect(o.next.hint).toMatch(/^Nothing left to simulate/);
    }
  });

  it('explains a taken port instead of failing obscurely', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as { port: number }).port;
    try {
      await expect(startDemo({ bffPort: port, atsPort: 0, database: 'memory:', logLevel: 'silent' })).rejects.toThrow(
        `Port ${port} (BFF) is already in use on 127.0.0.1. Stop what uses it, or choose another port: DEMO_BFF_PORT=${port + 1} npx pnpm@10 demo`,
      );
    } finally {
      blocker.close();
    }
  });
});
