// What the pymetrics sandbox knows (docs/vendors/pymetrics.md#statuses): sessions, orders and their results, the
// callbacks it made, and how an order moves on. No SOAP and no HTTP server here: handlers.ts answers calls with it.
import { StepRefused, type AdvanceContext } from '../types.js';
import { SANDBOX_STATUSES, type SandboxStatus } from './wire.js';

/** Steps the control API and the candidate page understand, and the status each leads to. */
export const SANDBOX_STEPS = {
  accept: 'ACCEPTED',
  register: 'NOT_STARTED',
  start: 'IN_PROGRESS',
  complete: 'COMPLETED',
  fulfil: 'FULFILLED',
} as const satisfies Record<string, SandboxStatus>;
/** `score` makes results available for a COMPLETED order (when `autoScore` is off). */
export type SandboxStep = keyof typeof SANDBOX_STEPS | 'score';

/** Advance knobs: the result an order gets (kept for when results are released). */
export interface AdvanceOptions extends AdvanceContext {
  fitscore?: number;
  band?: string;
  passed?: boolean;
}

export interface SandboxResult {
  fitscore: number;
  band: string;
  passed: boolean;
}

export interface SandboxOrder {
  orderId: string;
  externalId: string;
  assessmentId: string;
  assessmentType: string;
  firstName: string;
  lastName: string;
  email: string;
  locale: string | null;
  city: string | null;
  country: string | null;
  callbackUrl: string | null;
  status: SandboxStatus;
  resultsReady: boolean;
  result: SandboxResult;
  createDate: string;
  inviteUrl: string;
  reportUrl: string;
}

export interface CallbackDelivery {
  orderId: string;
  status: SandboxStatus;
  url: string;
  outcome: number | 'error';
}

export const DEFAULT_ASSESSMENTS = [
  { id: '33', name: 'Job Assessment', type: 'Games' }, // docs/vendors/pymetrics.md#ordering, list_assessments sample
  { id: '2019', name: 'Data Scientist', type: 'Games' }, // docs/vendors/pymetrics.md#statuses, get_bulk_status sample
  { id: '2025', name: 'Video interview', type: 'Video' }, // docs/vendors/pymetrics.md#results: video orders carry evaluation_url
];

export function defaultResult(orderId: string): SandboxResult {
  const fitscore = 40 + (Number(orderId) * 37) % 60;
  return {
    fitscore,
    band: fitscore >= 80 ? 'Highly Recommend' : fitscore >= 60 ? 'Recommend' : 'Not Recommended',
    passed: fitscore >= 60,
  };
}

export interface StateOptions {
  /** Results are ready as soon as an order is COMPLETED. Default true. */
  autoScore?: boolean;
  /** POST to each order's callback_url on every change. Default true. */
  callbacks?: boolean;
}

export type SandboxState = ReturnType<typeof createSandboxState>;

export function createSandboxState(opts: StateOptions) {
  const autoScore = opts.autoScore ?? true;
  /** Session id → when it expires (ms). */
  const sessions = new Map<string, number>();
  const orders = new Map<string, SandboxOrder>();
  /** Invitation token → order id. */
  const byToken = new Map<string, string>();
  const calls: Record<string, number> = {};
  const callbacks: CallbackDelivery[] = [];
  const pendingCallbacks = new Set<Promise<void>>();
  let nextOrderId = 13263; // the V3 guide's (docs/vendors/pymetrics.md#ordering) first order id

  const count = (op: string) => {
    calls[op] = (calls[op] ?? 0) + 1;
  };

  function notify(o: SandboxOrder): void {
    if (opts.callbacks === false || !o.callbackUrl) return;
    const target = o.callbackUrl;
    const delivery = fetch(target, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ order_id: o.orderId, status: o.status }).toString(),
      signal: AbortSignal.timeout(5_000),
    }).then(
      async (r) => {
        await r.body?.cancel().catch(() => undefined);
        callbacks.push({ orderId: o.orderId, status: o.status, url: target, outcome: r.status });
      },
      () => {
        callbacks.push({ orderId: o.orderId, status: o.status, url: target, outcome: 'error' });
      },
    );
    pendingCallbacks.add(delivery);
    void delivery.finally(() => pendingCallbacks.delete(delivery));
  }

  function advance(orderId: string, step: SandboxStep, result?: Partial<SandboxResult>): SandboxOrder {
    const o = orders.get(orderId);
    if (!o) throw new StepRefused(`no order ${orderId}`);
    if (result) o.result = { ...o.result, ...result };
    if (step === 'score') {
      if (o.status !== 'COMPLETED' && o.status !== 'FULFILLED') throw new StepRefused(`order ${orderId} is ${o.status}, not COMPLETED`);
      o.resultsReady = true;
      notify(o);
      return o;
    }
    const target = SANDBOX_STEPS[step];
    if (!target) throw new StepRefused(`unknown step ${String(step)}`);
    const from = SANDBOX_STATUSES.indexOf(o.status);
    const to = SANDBOX_STATUSES.indexOf(target);
    if (to < from) throw new StepRefused(`order ${orderId} is ${o.status}; cannot go back to ${target}`);
    if (to === from) return o;
    o.status = target;
    if (target === 'FULFILLED' || (target === 'COMPLETED' && autoScore)) o.resultsReady = true;
    notify(o);
    return o;
  }

  return {
    sessions,
    orders,
    byToken,
    calls,
    callbacks,
    pendingCallbacks,
    count,
    notify,
    advance,
    newOrderId: () => String(nextOrderId++),
    resetCalls() {
      for (const k of Object.keys(calls)) delete calls[k];
    },
  };
}
