// PSI sandbox: PSI pushes to us, so the sandbox is a sender (OAuth2 token + PUT of NotificationRequests, seed 004)
// plus a candidate-facing scheduling page and a /_sandbox control API. Test and demo only; never put a secret in a URL or a page.
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { Hono } from 'hono';
import { z } from 'zod';
import type { ChangeReason } from './status.js';
import type { PsiNotification } from './webhook.js';
import { listenSandbox } from '../sandbox-http.js';
import { escapeHtml as esc } from '../../html.js';

export type { PsiNotification };

export interface PsiSenderOptions {
  /** The BFF's base URL, e.g. `http://127.0.0.1:8787`. */
  bffUrl: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  fetch?: typeof fetch;
}

export interface PsiDelivery {
  notification: PsiNotification;
  /** The BFF's HTTP status (200 stored, 400 no matching order, 401 refused, 500 not stored). */
  status: number;
  body: unknown;
}

export interface SendAllOptions {
  /** Deliver in a random order (PSI: "irrespective of the sequence in which these are received"). */
  shuffle?: boolean;
  /** Share of notifications delivered a second time, 0..1. */
  duplicateRate?: number;
  /** Seed of the shuffle and duplicate choice, so a failing run can be replayed. */
  seed?: number;
  /** Deliveries in flight at once; default 1. */
  concurrency?: number;
}

export interface PsiSender {
  /** A bearer token from `POST {bffUrl}/oauth/token`, cached until 30 s before it expires. */
  token(): Promise<string>;
  /** Forgets the cached token. */
  dropToken(): void;
  /** PUTs one notification; on a 401 fetches a new token once and retries. */
  send(notification: PsiNotification): Promise<PsiDelivery>;
  /** Sends a batch, optionally shuffled and with duplicates; the deliveries in the order they were made. */
  sendAll(notifications: readonly PsiNotification[], opts?: SendAllOptions): Promise<PsiDelivery[]>;
  readonly counters: { tokenRequests: number; deliveries: number; byStatus: Record<string, number> };
}

const TokenResponse = z.object({
  access_token: z.string().min(1),
  token_type: z.string().regex(/^bearer$/i),
  expires_in: z.number().int().positive(),
});

/** Form-urlencodes a Basic credential part, as RFC 6749 §2.3.1 requires. */
function formEncode(s: string): string {
  return encodeURIComponent(s).replace(/%20/g, '+');
}

/**
 * A PSI event-notification sender: obtains a client-credentials token and PUTs to `{bffUrl}/hooks/psi/{tenant}`.
 * @example
 * const sender = createPsiSender({ bffUrl, tenantId: 'acme', clientId: 'psi', clientSecret });
 * await sender.send(candidate.book());
 */
export function createPsiSender(opts: PsiSenderOptions): PsiSender {
  const base = opts.bffUrl.replace(/\/+$/, '');
  const doFetch = opts.fetch ?? globalThis.fetch.bind(globalThis);
  const hookUrl = `${base}/hooks/psi/${encodeURIComponent(opts.tenantId)}`;
  const counters = { tokenRequests: 0, deliveries: 0, byStatus: {} as Record<string, number> };
  let cached: { token: string; renewAt: number } | undefined;
  let pending: Promise<string> | undefined;

  async function fetchToken(): Promise<string> {
    counters.tokenRequests += 1;
    const res = await doFetch(`${base}/oauth/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${formEncode(opts.clientId)}:${formEncode(opts.clientSecret)}`).toString('base64')}`,
      },
      body: 'grant_type=client_credentials',
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`PSI sender: token request refused with HTTP ${res.status}: ${text.slice(0, 200)}`);
    const parsed = TokenResponse.safeParse(JSON.parse(text));
    if (!parsed.success) throw new Error('PSI sender: the token response is not an OAuth2 token response');
    cached = {
      token: parsed.data.access_token,
      renewAt: Date.now() + Math.max(0, parsed.data.expires_in - 30) * 1000,
    };
    return cached.token;
  }

  async function token(): Promise<string> {
    if (cached && Date.now() < cached.renewAt) return cached.token;
    pending ??= fetchToken().finally(() => {
      pending = undefined;
    });
    return pending;
  }

  async function put(notification: PsiNotification, bearer: string): Promise<Response> {
    return doFetch(hookUrl, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
      body: JSON.stringify(notification),
    });
  }

  async function send(notification: PsiNotification): Promise<PsiDelivery> {
    let res = await put(notification, await token());
    if (res.status === 401) {
      await res.body?.cancel();
      cached = undefined;
      res = await put(notification, await token());
    }
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    counters.deliveries += 1;
    counters.byStatus[res.status] = (counters.byStatus[res.status] ?? 0) + 1;
    return { notification, status: res.status, body };
  }

  async function sendAll(list: readonly PsiNotification[], o: SendAllOptions = {}): Promise<PsiDelivery[]> {
    const plan = deliveryPlan(list, o);
    const out: PsiDelivery[] = new Array(plan.length);
    let next = 0;
    const worker = async () => {
      while (next < plan.length) {
        const i = next++;
        out[i] = await send(plan[i]!);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, o.concurrency ?? 1) }, worker));
    return out;
  }

  return {
    token,
    dropToken: () => {
      cached = undefined;
    },
    send,
    sendAll,
    counters,
  };
}

/** The delivery order of a batch: every notification once, `duplicateRate` of them twice, optionally shuffled. */
export function deliveryPlan(list: readonly PsiNotification[], o: SendAllOptions = {}): PsiNotification[] {
  const random = mulberry32(o.seed ?? 1);
  const rate = Math.min(1, Math.max(0, o.duplicateRate ?? 0));
  const plan = [...list];
  const picks = shuffled([...list.keys()], random).slice(0, Math.round(list.length * rate));
  for (const i of picks) plan.push(list[i]!);
  return o.shuffle ? shuffled(plan, random) : plan;
}

function shuffled<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

/** A small seeded PRNG (mulberry32): replayable shuffles without a dependency. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A bookable exam slot of the sandbox's scheduling page. */
export interface PsiSlot {
  id: string;
  label: string;
  deliveryMode: 'SITE_PROCTORED' | 'ATLAS_REMOTE_PROCTORED';
  timeZone: string;
  location?: { code: string; name: string; address: string };
  /** Days after today (UTC) and the UTC hour of the start. */
  daysAhead: number;
  hourUtc: number;
}

export const PSI_SLOTS: readonly PsiSlot[] = [
  {
    id: 'nyc-site',
    label: 'Test center, New York',
    deliveryMode: 'SITE_PROCTORED',
    timeZone: 'America/New_York',
    location: { code: 'NY-017', name: 'PSI Test Center Manhattan', address: '1 Main Street, New York, NY 10001' },
    daysAhead: 7,
    hourUtc: 14,
  },
  {
    id: 'paris-remote',
    label: 'Online, Paris time',
    deliveryMode: 'ATLAS_REMOTE_PROCTORED',
    timeZone: 'Europe/Paris',
    daysAhead: 9,
    hourUtc: 8,
  },
  {
    id: 'berlin-site',
    label: 'Test center, Berlin',
    deliveryMode: 'SITE_PROCTORED',
    timeZone: 'Europe/Berlin',
    location: { code: 'BE-004', name: 'PSI Testzentrum Berlin Mitte', address: 'Friedrichstraße 1, 10117 Berlin' },
    daysAhead: 12,
    hourUtc: 12,
  },
];

export const CANDIDATE_ACTIONS = ['book', 'reschedule', 'cancel', 'complete', 'absent', 'excused'] as const;
export type CandidateAction = (typeof CANDIDATE_ACTIONS)[number];

const REASON_BY_ACTION: Readonly<Record<CandidateAction, ChangeReason>> = {
  book: 'BOOKING_CREATED',
  reschedule: 'BOOKING_RESCHEDULED',
  cancel: 'BOOKING_CANCELLED',
  complete: 'EXAM_COMPLETED',
  absent: 'ABSENT',
  excused: 'EXCUSED_ABSENT',
};

export interface SimulatedCandidateOptions {
  /** Our `client_eligibility_id`; leave out to have PSI match on candidate_id + exam_code. */
  eligibilityId?: string;
  candidateId: string;
  examCode?: string;
  firstName?: string;
  lastName?: string;
  /** Time source of `effective_date`; each event is at least one second after the previous one. */
  now?: () => Date;
}

interface CurrentBooking {
  code: string;
  slot: PsiSlot;
  startsAt: Date;
}

/** A candidate at PSI: each action returns the notification PSI would send for it. */
export class SimulatedPsiCandidate {
  readonly eligibilityId: string | undefined;
  readonly candidateId: string;
  readonly examCode: string | undefined;
  readonly notifications: PsiNotification[] = [];
  booking: CurrentBooking | undefined;
  /** The change reason of the latest event, or null before any. */
  lastReason: ChangeReason | null = null;
  private readonly names: { first: string; last: string };
  private readonly now: () => Date;
  private lastEffective = 0;

  constructor(opts: SimulatedCandidateOptions) {
    this.eligibilityId = opts.eligibilityId;
    this.candidateId = opts.candidateId;
    this.examCode = opts.examCode;
    this.names = { first: opts.firstName ?? 'Ada', last: opts.lastName ?? 'Lovelace' };
    this.now = opts.now ?? (() => new Date());
  }

  act(action: CandidateAction, slot: PsiSlot = PSI_SLOTS[0]!): PsiNotification {
    switch (action) {
      case 'book':
        this.booking = { code: bookingCode(), slot, startsAt: slotStart(slot, this.now()) };
        break;
      case 'reschedule':
        // The appointment keeps its booking code when moved; a new booking after a cancellation gets a new one.
        this.requireBooking(action);
        this.booking = { ...this.booking!, slot, startsAt: slotStart(slot, this.now()) };
        break;
      default:
        this.requireBooking(action);
    }
    const n = this.notification(REASON_BY_ACTION[action], this.booking!);
    this.lastReason = REASON_BY_ACTION[action];
    this.notifications.push(n);
    return n;
  }

  book(slot?: PsiSlot): PsiNotification {
    return this.act('book', slot);
  }
  reschedule(slot?: PsiSlot): PsiNotification {
    return this.act('reschedule', slot);
  }
  cancel(): PsiNotification {
    return this.act('cancel');
  }
  complete(): PsiNotification {
    return this.act('complete');
  }
  absent(): PsiNotification {
    return this.act('absent');
  }
  excused(): PsiNotification {
    return this.act('excused');
  }

  private requireBooking(action: CandidateAction): void {
    if (!this.booking) throw new Error(`PSI sandbox: cannot ${action} without a booking`);
  }

  private effectiveDate(): string {
    // seed 004 timestamps have whole seconds; events of one candidate must not share one or their order is lost.
    // Rounded up, so an event right after ordering is not older than the order's own `invited`.
    const t = Math.max(Math.ceil(this.now().getTime() / 1000), this.lastEffective + 1);
    this.lastEffective = t;
    return isoSeconds(new Date(t * 1000));
  }

  private notification(reason: ChangeReason, b: CurrentBooking): PsiNotification {
    const site = b.slot.deliveryMode === 'SITE_PROCTORED' && b.slot.location;
    return {
      booking_code: b.code,
      booking_on: isoSeconds(b.startsAt),
      candidate_fname: this.names.first,
      candidate_id: this.candidateId,
      candidate_lname: this.names.last,
      change_reason: reason,
      ...(this.eligibilityId ? { client_eligibility_id: this.eligibilityId } : {}),
      delivery_mode: b.slot.deliveryMode,
      effective_date: this.effectiveDate(),
      ...(this.examCode ? { exam_code: this.examCode } : {}),
      ...(site
        ? { location_address: site.address, location_code: site.code, location_name: site.name }
        : {}),
      location_timezone: b.slot.timeZone,
    };
  }
}

function bookingCode(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  return `BKG${[...randomBytes(7)].map((b) => alphabet[b % alphabet.length]).join('')}`;
}

function slotStart(slot: PsiSlot, now: Date): Date {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + slot.daysAhead, slot.hourUtc));
  return d;
}

/** seed 004: "YYYY-MM-DDThh:mm:ssZ". */
function isoSeconds(d: Date): string {
  return `${d.toISOString().slice(0, 19)}Z`;
}

export interface PsiSandboxOptions {
  host?: string;
  /** Default 0: a free port. */
  port?: number;
  /** Where to send notifications; may also be given later with `connect()` (the BFF's config needs our URL first). */
  sender?: PsiSenderOptions;
  now?: () => Date;
}

export interface PsiSandbox {
  url: string;
  /** The `vendors.psi.schedulingUrl` template pointing at this sandbox. */
  schedulingUrl: string;
  connect(sender: PsiSenderOptions): void;
  /** Performs an action for a candidate (created on first use) and delivers the notification. */
  act(
    eligibilityId: string,
    action: CandidateAction,
    o?: { candidateId?: string; examCode?: string; slotId?: string },
  ): Promise<PsiDelivery>;
  candidates(): SimulatedPsiCandidate[];
  deliveries: PsiDelivery[];
  stop(): Promise<void>;
}

const ActionBody = z.object({
  candidateId: z.string().min(1).optional(),
  examCode: z.string().min(1).optional(),
  slotId: z.string().optional(),
});

/**
 * Starts the PSI sandbox: the scheduling page candidates land on, which pushes notifications to the BFF.
 * @example
 * const sandbox = await startPsiSandbox();             // schedulingUrl goes into the BFF config
 * sandbox.connect({ bffUrl, tenantId: 'acme', clientId: 'psi', clientSecret });
 */
export async function startPsiSandbox(opts: PsiSandboxOptions = {}): Promise<PsiSandbox> {
  let sender = opts.sender ? createPsiSender(opts.sender) : undefined;
  const now = opts.now ?? (() => new Date());
  const byEligibility = new Map<string, SimulatedPsiCandidate>();
  const deliveries: PsiDelivery[] = [];

  function candidateFor(eligibilityId: string, o: { candidateId?: string; examCode?: string }): SimulatedPsiCandidate {
    let c = byEligibility.get(eligibilityId);
    if (!c) {
      c = new SimulatedPsiCandidate({
        eligibilityId,
        candidateId: o.candidateId ?? eligibilityId,
        ...(o.examCode ? { examCode: o.examCode } : {}),
        now,
      });
      byEligibility.set(eligibilityId, c);
    }
    return c;
  }

  async function act(
    eligibilityId: string,
    action: CandidateAction,
    o: { candidateId?: string; examCode?: string; slotId?: string } = {},
  ): Promise<PsiDelivery> {
    if (!sender) throw new SandboxError(503, 'The PSI sandbox is not connected to a BFF yet.');
    const slot = o.slotId === undefined ? undefined : PSI_SLOTS.find((s) => s.id === o.slotId);
    if (o.slotId !== undefined && !slot) throw new SandboxError(400, 'Unknown slot.');
    const c = candidateFor(eligibilityId, o);
    let notification: PsiNotification;
    try {
      notification = c.act(action, slot);
    } catch (err) {
      throw new SandboxError(409, (err as Error).message);
    }
    const delivery = await sender.send(notification);
    deliveries.push(delivery);
    return delivery;
  }

  const app = new Hono();
  app.onError((err, c) => {
    const status = err instanceof SandboxError ? err.status : 500;
    return c.json({ error: { code: 'sandbox_error', message: err instanceof SandboxError ? err.message : 'Sandbox failure.' } }, status as 400);
  });

  app.get('/schedule', (c) => {
    const q = pageQuery(c.req.query());
    if (!q) return c.html(page('PSI scheduling', '<p>This link has no eligibility id.</p>'), 400);
    const cand = byEligibility.get(q.eligibility);
    return c.html(schedulingPage(q, cand, c.req.query('sent')), 200, {
      'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
    });
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
    const delivery = await act(q.eligibility, c.req.param('action') as CandidateAction, {
      candidateId: q.candidate,
      ...(q.exam ? { examCode: q.exam } : {}),
      ...(slotId ? { slotId } : {}),
    });
    const back = new URLSearchParams({ eligibility: q.eligibility, candidate: q.candidate, exam: q.exam, sent: String(delivery.status) });
    return c.redirect(`/schedule?${back}`, 303);
  });

  app.get('/_sandbox/candidates', (c) =>
    c.json({
      candidates: [...byEligibility.values()].map((x) => ({
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
    c.json(sender ? sender.counters : { tokenRequests: 0, deliveries: 0, byStatus: {} }),
  );
  app.post('/_sandbox/candidates/:eligibilityId/:action{book|reschedule|cancel|complete|absent|excused}', async (c) => {
    const text = await c.req.text();
    const parsed = ActionBody.safeParse(text ? JSON.parse(text) : {});
    if (!parsed.success) throw new SandboxError(400, 'Body must be {candidateId?, examCode?, slotId?}.');
    const o = parsed.data;
    const delivery = await act(c.req.param('eligibilityId'), c.req.param('action') as CandidateAction, {
      ...(o.candidateId ? { candidateId: o.candidateId } : {}),
      ...(o.examCode ? { examCode: o.examCode } : {}),
      ...(o.slotId ? { slotId: o.slotId } : {}),
    });
    return c.json({ delivered: delivery.status, response: delivery.body, notification: delivery.notification });
  });

  const listening = await listenSandbox(app, opts.host, opts.port);
  const { url } = listening;
  return {
    url,
    schedulingUrl: `${url}/schedule?eligibility={eligibilityId}&candidate={candidateId}&exam={examCode}`,
    connect(o) {
      sender = createPsiSender(o);
    },
    act,
    candidates: () => [...byEligibility.values()],
    deliveries,
    stop: () => listening.close(),
  };
}

class SandboxError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

interface PageQuery {
  eligibility: string;
  candidate: string;
  exam: string;
}

function pageQuery(q: Record<string, string | undefined>): PageQuery | null {
  const eligibility = (q.eligibility ?? '').trim();
  if (!eligibility) return null;
  return { eligibility, candidate: (q.candidate ?? '').trim() || eligibility, exam: (q.exam ?? '').trim() };
}


function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem}
form{display:inline-block;margin:.25rem .5rem .25rem 0}button{padding:.4rem .8rem}.note{color:#555}</style></head>
<body><h1>${esc(title)}</h1>${body}</body></html>`;
}

function localTime(d: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-US', { dateStyle: 'full', timeStyle: 'short', timeZone }).format(d);
}

function hidden(q: PageQuery): string {
  return `<input type="hidden" name="eligibility" value="${esc(q.eligibility)}">
<input type="hidden" name="candidate" value="${esc(q.candidate)}">
<input type="hidden" name="exam" value="${esc(q.exam)}">`;
}

function schedulingPage(q: PageQuery, cand: SimulatedPsiCandidate | undefined, sent: string | undefined): string {
  const parts: string[] = [];
  parts.push(`<p class="note">Eligibility <code>${esc(q.eligibility)}</code>${q.exam ? `, exam <code>${esc(q.exam)}</code>` : ''}.</p>`);
  if (sent) {
    parts.push(
      `<p role="status" id="delivery">PSI notified the assessment system: HTTP ${esc(sent)}${sent === '200' ? ' (stored)' : ''}.</p>`,
    );
  }
  if (cand?.lastReason && ['EXAM_COMPLETED', 'ABSENT', 'EXCUSED_ABSENT'].includes(cand.lastReason)) {
    parts.push(`<p id="state">This exam is closed (${esc(cand.lastReason)}).</p>`);
    return page('PSI exam scheduling', parts.join('\n'));
  }
  const booked = cand?.lastReason !== 'BOOKING_CANCELLED' ? cand?.booking : undefined;
  if (booked) {
    const where = booked.slot.location
      ? `${booked.slot.location.name}, ${booked.slot.location.address}`
      : 'online (remote proctoring)';
    parts.push(
      `<p id="state">Booked: <strong>${esc(localTime(booked.startsAt, booked.slot.timeZone))}</strong> (${esc(booked.slot.timeZone)}), ${esc(where)}. Booking code <code>${esc(booked.code)}</code>.</p>`,
    );
    parts.push(`<form method="post" action="/schedule/cancel">${hidden(q)}<button type="submit">Cancel booking</button></form>`);
  } else if (cand?.lastReason === 'BOOKING_CANCELLED') {
    parts.push('<p id="state">Your booking was cancelled. You may book again.</p>');
  } else {
    parts.push('<p id="state">Not booked yet. Choose a slot.</p>');
  }
  const action = booked ? 'reschedule' : 'book';
  parts.push('<h2>Available slots</h2><ul>');
  const now = new Date();
  for (const slot of PSI_SLOTS) {
    parts.push(
      `<li>${esc(slot.label)}: ${esc(localTime(slotStart(slot, now), slot.timeZone))} (${esc(slot.timeZone)})
<form method="post" action="/schedule/${action}">${hidden(q)}<input type="hidden" name="slot" value="${esc(slot.id)}"><button type="submit">${booked ? 'Reschedule to' : 'Book'} ${esc(slot.label)}</button></form></li>`,
    );
  }
  parts.push('</ul>');
  return page('PSI exam scheduling', parts.join('\n'));
}

/** `tsx packages/bff/src/vendors/psi/sandbox.ts serve|send …`; the client secret comes from PSI_CLIENT_SECRET. */
async function main(argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      bff: { type: 'string' },
      tenant: { type: 'string', default: 'acme' },
      'client-id': { type: 'string', default: 'psi' },
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '0' },
      eligibility: { type: 'string' },
      candidate: { type: 'string' },
      exam: { type: 'string' },
      events: { type: 'string', default: 'book,reschedule,complete' },
      shuffle: { type: 'boolean', default: false },
      duplicates: { type: 'string', default: '0' },
      seed: { type: 'string', default: '1' },
    },
  });
  const mode = positionals[0] ?? 'serve';
  const secret = process.env.PSI_CLIENT_SECRET;
  const senderOpts = (): PsiSenderOptions => {
    if (!values.bff || !secret) throw new Error('--bff URL and the PSI_CLIENT_SECRET environment variable are required');
    return { bffUrl: values.bff, tenantId: values.tenant, clientId: values['client-id'], clientSecret: secret };
  };
  if (mode === 'serve') {
    const sandbox = await startPsiSandbox({
      host: values.host,
      port: Number(values.port),
      ...(values.bff && secret ? { sender: senderOpts() } : {}),
    });
    console.log(JSON.stringify({ psiSandbox: sandbox.url, schedulingUrl: sandbox.schedulingUrl }));
    const stop = () => void sandbox.stop().then(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    return;
  }
  if (mode === 'send') {
    if (!values.eligibility && !(values.candidate && values.exam)) {
      throw new Error('send needs --eligibility ID, or --candidate ID and --exam CODE');
    }
    const cand = new SimulatedPsiCandidate({
      ...(values.eligibility ? { eligibilityId: values.eligibility } : {}),
      candidateId: values.candidate ?? values.eligibility!,
      ...(values.exam ? { examCode: values.exam } : {}),
    });
    const actions = values.events.split(',').map((s) => s.trim()) as CandidateAction[];
    for (const a of actions) if (!CANDIDATE_ACTIONS.includes(a)) throw new Error(`unknown event ${a}`);
    const list = actions.map((a) => cand.act(a));
    const deliveries = await createPsiSender(senderOpts()).sendAll(list, {
      shuffle: values.shuffle,
      duplicateRate: Number(values.duplicates),
      seed: Number(values.seed),
    });
    for (const d of deliveries) console.log(`${d.status} ${String(d.notification.change_reason)} ${String(d.notification.effective_date)}`);
    if (deliveries.some((d) => d.status !== 200)) process.exitCode = 1;
    return;
  }
  throw new Error(`unknown mode ${mode}: use serve or send`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    console.error((err as Error).message);
    process.exit(1);
  });
}
