// The PSI sandbox's HTTP side (docs/vendors/psi.md#notifications): the candidate's scheduling page, whose forms book,
// move and cancel, and the /_sandbox control API. Each action goes to `act`, which builds and sends the notification.
import { Hono, type MiddlewareHandler } from 'hono';
import { z } from 'zod';
import { outageAnswer } from '../http.js';
import { StepRefused, type OutageMode } from '../types.js';
import { page, PAGE_CSP, schedulingPage, type PageQuery } from './pages.js';
import type { PsiDelivery, PsiSender } from './sender.js';
import { PSI_SLOTS, type CandidateAction, type SimulatedPsiCandidate } from './state.js';

const ActionBody = z.object({
  candidateId: z.string().min(1).optional(),
  examCode: z.string().min(1).optional(),
  slotId: z.string().optional(),
});

/** A refusal with the HTTP status the control API answers it with. */
export class SandboxError extends StepRefused {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface PsiAppDeps {
  act(eligibilityId: string, action: CandidateAction, o?: { candidateId?: string; examCode?: string; slotId?: string }): Promise<PsiDelivery>;
  candidates: ReadonlyMap<string, SimulatedPsiCandidate>;
  counters(): PsiSender['counters'];
  outage(): OutageMode;
}

export function createPsiApp(deps: PsiAppDeps): Hono {
  const app = new Hono();
  const gate: MiddlewareHandler = async (c, next) => {
    const outage = deps.outage();
    if (outage === 'none') return next();
    return outageAnswer(c, outage, () => c.html(page('PSI scheduling', '<p>Scheduling is unavailable right now. Please try again later.</p>'), 500));
  };
  app.onError((err, c) => {
    const status = err instanceof SandboxError ? err.status : 500;
    return c.json({ error: { code: 'sandbox_error', message: err instanceof SandboxError ? err.message : 'Sandbox failure.' } }, status as 400);
  });

  app.use('/schedule/*', gate);
  app.use('/schedule', gate);
  app.get('/schedule', (c) => {
    const q = pageQuery(c.req.query());
    if (!q) return c.html(page('PSI scheduling', '<p>This link has no eligibility id.</p>'), 400);
    const cand = deps.candidates.get(q.eligibility);
    return c.html(schedulingPage(q, cand, c.req.query('sent')), 200, { 'Content-Security-Policy': PAGE_CSP });
  });

  app.post('/schedule/:action{book|reschedule|cancel}', async (c) => {
    const form = await c.req.parseBody();
    const q = pageQuery({
      eligibility: String(form.eligibility ?? ''),
      candidate: String(form.candidate ?? ''),
      exam: String(form.exam ?? ''),
    });
    if (!q) return c.html(page('PSI scheduling', '<p>This link has no eligibility id.</p>'), 400);
    const slotId = typeof form.slot === 'string' && form.slot ? form.slot : undefined;
    const delivery = await deps.act(q.eligibility, c.req.param('action') as CandidateAction, {
      candidateId: q.candidate,
      ...(q.exam ? { examCode: q.exam } : {}),
      ...(slotId ? { slotId } : {}),
    });
    const back = new URLSearchParams({ eligibility: q.eligibility, candidate: q.candidate, exam: q.exam, sent: String(delivery.status) });
    return c.redirect(`/schedule?${back}`, 303);
  });

  app.get('/_sandbox/candidates', (c) =>
    c.json({
      candidates: [...deps.candidates.values()].map((x) => ({
        eligibilityId: x.eligibilityId,
        candidateId: x.candidateId,
        examCode: x.examCode ?? null,
        lastReason: x.lastReason,
        booking: x.booking
          ? { code: x.booking.code, slotId: x.booking.slot.id, startsAt: x.booking.startsAt.toISOString() }
          : null,
        notifications: x.notifications.length,
      })),
    }),
  );
  app.get('/_sandbox/slots', (c) => c.json({ slots: PSI_SLOTS }));
  app.get('/_sandbox/counters', (c) =>
    c.json(deps.counters()),
  );
  app.post('/_sandbox/candidates/:eligibilityId/:action{book|reschedule|cancel|complete|absent|excused}', async (c) => {
    const text = await c.req.text();
    const parsed = ActionBody.safeParse(text ? JSON.parse(text) : {});
    if (!parsed.success) throw new SandboxError(400, 'Body must be {candidateId?, examCode?, slotId?}.');
    const o = parsed.data;
    const delivery = await deps.act(c.req.param('eligibilityId'), c.req.param('action') as CandidateAction, {
      ...(o.candidateId ? { candidateId: o.candidateId } : {}),
      ...(o.examCode ? { examCode: o.examCode } : {}),
      ...(o.slotId ? { slotId: o.slotId } : {}),
    });
    return c.json({ delivered: delivery.status, response: delivery.body, notification: delivery.notification });
  });
  return app;
}

function pageQuery(q: Record<string, string | undefined>): PageQuery | null {
  const eligibility = (q.eligibility ?? '').trim();
  if (!eligibility) return null;
  return { eligibility, candidate: (q.candidate ?? '').trim() || eligibility, exam: (q.exam ?? '').trim() };
}
