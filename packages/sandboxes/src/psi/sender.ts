// PSI's sending side: a client-credentials token from the receiver, then one PUT per NotificationRequest
// (docs/vendors/psi.md#notifications), with batch plans (shuffled, duplicated) for ordering tests. Counts its calls per operation.
import { z } from 'zod';
import type { PsiNotification } from './wire.js';

export interface PsiSenderOptions {
  /** The BFF's base URL, e.g. `http://127.0.0.1:8787`. */
  bffUrl: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  /** RFC 6749 §2.3.1: `basic` (default, client_secret_basic) or `post` (client_secret_post, credentials in the form). */
  clientAuth?: 'basic' | 'post';
  /** A scope to request; token clients often send one they were configured with. */
  scope?: string;
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
  /** Calls made per operation: `POST /oauth/token`, `PUT /notifications` (the request line in docs/vendors/psi.md#notifications). */
  calls(): Record<string, number>;
  resetCalls(): void;
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
  let calls: Record<string, number> = {};
  const count = (op: string) => {
    calls[op] = (calls[op] ?? 0) + 1;
  };
  let cached: { token: string; renewAt: number } | undefined;
  let pending: Promise<string> | undefined;

  async function fetchToken(): Promise<string> {
    counters.tokenRequests += 1;
    count('POST /oauth/token');
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (opts.scope) form.set('scope', opts.scope);
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    if (opts.clientAuth === 'post') {
      form.set('client_id', opts.clientId);
      form.set('client_secret', opts.clientSecret);
    } else {
      headers.authorization = `Basic ${Buffer.from(`${formEncode(opts.clientId)}:${formEncode(opts.clientSecret)}`).toString('base64')}`;
    }
    const res = await doFetch(`${base}/oauth/token`, { method: 'POST', headers, body: form.toString() });
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
    count('PUT /notifications');
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
    calls: () => ({ ...calls }),
    resetCalls: () => {
      calls = {};
    },
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
