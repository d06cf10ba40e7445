// Quizly's sandbox: its REST API as its (made-up) documentation describes it, checked here on its own terms
// (bearer key, JSON body with externalId, one invitation per externalId), plus the VendorSandbox controls.
import { listenSandbox, outageAnswer, StepRefused, type OutageMode, type SandboxModule, type VendorSandbox } from '@ca/sandboxes';
import { Hono } from 'hono';
import { randomBytes } from 'node:crypto';

interface Invitation {
  id: string;
  externalId: string;
  status: 'invited' | 'started' | 'finished' | 'scored';
  score?: number;
  updatedAt: string;
}

export interface QuizlySandbox extends VendorSandbox {
  readonly apiKey: string;
}

const NEXT: Record<string, { from: Invitation['status']; to: Invitation['status'] }> = {
  start: { from: 'invited', to: 'started' },
  finish: { from: 'started', to: 'finished' },
  score: { from: 'finished', to: 'scored' },
};

export async function startQuizlySandbox(): Promise<QuizlySandbox> {
  const apiKey = `qz_${randomBytes(12).toString('hex')}`;
  const invitations = new Map<string, Invitation>();
  const byExternal = new Map<string, string>();
  const calls: Record<string, number> = {};
  let outage: OutageMode = 'none';
  const app = new Hono();
  const api = new Hono();
  api.use('*', async (c, next) => {
    const op = `${c.req.method} ${c.req.routePath}`;
    calls[op] = (calls[op] ?? 0) + 1;
    if (outage !== 'none') return outageAnswer(c, outage, () => c.json({ error: 'maintenance' }, 503));
    if (c.req.header('authorization') !== `Bearer ${apiKey}`) return c.json({ error: 'unauthorized' }, 401);
    await next();
  });
  api.post('/invitations', async (c) => {
    const b = (await c.req.json().catch(() => null)) as { externalId?: unknown; candidate?: { email?: unknown } } | null;
    if (typeof b?.externalId !== 'string' || typeof b.candidate?.email !== 'string') return c.json({ error: 'externalId and candidate.email are required' }, 400);
    const known = byExternal.get(b.externalId);
    if (known) return c.json(invitations.get(known)!, 200);
    const inv: Invitation = { id: `inv_${randomBytes(6).toString('hex')}`, externalId: b.externalId, status: 'invited', updatedAt: new Date().toISOString() };
    invitations.set(inv.id, inv);
    byExternal.set(inv.externalId, inv.id);
    return c.json(inv, 201);
  });
  api.get('/invitations/:id', (c) => {
    const inv = invitations.get(c.req.param('id'));
    return inv ? c.json(inv) : c.json({ error: 'not found' }, 404);
  });
  api.post('/invitations/:id/launch', (c) => {
    const inv = invitations.get(c.req.param('id'));
    if (!inv) return c.json({ error: 'not found' }, 404);
    return c.json({ url: `${server.url}/take/${inv.id}?t=${randomBytes(8).toString('hex')}` });
  });
  app.route('/v1', api);
  app.get('/take/:id', (c) => c.html('<!doctype html><title>Quizly</title><h1>Quizly logic quiz</h1>'));
  const server = await listenSandbox(app);
  return {
    url: server.url,
    apiKey,
    async advance(ref, step) {
      const inv = invitations.get(ref);
      const move = NEXT[step];
      if (!inv || !move) throw new StepRefused(`Quizly does not know ${inv ? `the step ${step}` : `invitation ${ref}`}.`);
      if (inv.status !== move.from) throw new StepRefused(`The invitation is ${inv.status}; ${step} needs ${move.from}.`);
      inv.status = move.to;
      inv.updatedAt = new Date().toISOString();
      if (move.to === 'scored') inv.score = 77;
      return inv;
    },
    async outage(mode) {
      outage = mode;
    },
    calls: () => ({ ...calls }),
    resetCalls() {
      for (const k of Object.keys(calls)) delete calls[k];
    },
    stop: () => server.close(),
  };
}

export const quizlySandbox: SandboxModule<QuizlySandbox, Record<string, never>> = {
  vendor: 'quizly',
  title: 'Quizly sandbox (REST)',
  steps: [
    { id: 'start', label: 'Starts the quiz' },
    { id: 'finish', label: 'Finishes the quiz' },
    { id: 'score', label: 'Scored' },
  ],
  start: () => startQuizlySandbox(),
  demoOptions: {},
  connect(sandbox, link) {
    return {
      config: { baseUrl: sandbox.url, apiKey: sandbox.apiKey, ...(link.pollIntervalSeconds ? { pollIntervalSeconds: link.pollIntervalSeconds } : {}) },
      packages: [{ id: 'quizly-logic', vendor: 'quizly', name: 'Logic quiz', test: 'logic', description: 'A fifth vendor, added through its folder.' }],
      secrets: [{ name: 'Quizly API key', value: sandbox.apiKey }],
      entry: sandbox.url,
    };
  },
};
