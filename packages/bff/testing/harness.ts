// startTestBff(): a real BFF (real HTTP server, PGlite in memory or PostgreSQL, real jobs and SSE) for
// tests, with tenant `acme`, an API key, token minting and helpers. Every test stops what it starts.
import { mintWidgetToken } from '@ca/shared/server';
import type { LinkKind, Order, VendorId } from '@ca/shared';
import pino from 'pino';
import { Writable } from 'node:stream';
import { parseConfig } from '../src/config.js';
import { REDACT, startBff, type RunningBff } from '../src/runtime.js';
import { vendorModules } from '../src/vendors/registry.js';
import type { PackageConfig, VendorAdapterFactory, VendorModule } from '../src/core/vendor-port.js';
import { openSse, type SseClient } from './sse-client.js';

export type { SseClient } from './sse-client.js';

export interface TestBffOptions {
  vendors: Partial<Record<VendorId, Record<string, unknown>>>;
  packages: PackageConfig[];
  /** Default `memory:`; `TEST_DATABASE_URL` style URLs run the same test on PostgreSQL. */
  database?: string;
  /** Overrides every vendor's poll interval; default 3600 (poll only when asked: pollNow()). */
  pollIntervalSeconds?: number;
  /** The vendors the BFF knows; default every registered vendor. A module replaces the registered one of its id. */
  modules?: readonly VendorModule[];
  /** Shorthand: these vendor ids get an in-process adapter (core tests), their config block taken as is. */
  factories?: Partial<Record<VendorId, VendorAdapterFactory>>;
  placeRetryLimit?: number;
  placeRetryDelay?: number;
  /** Caps each placement retry's backoff (seconds); pg-boss's backoff doubles from `placeRetryDelay` up to it. */
  placeRetryDelayMax?: number;
  allowedOrigins?: string[];
  /** Extra tenants beside `acme` (isolation tests). */
  extraTenants?: Record<string, unknown>;
  /** A fixed port (restart tests reuse one). */
  port?: number;
  /** publicUrl override; default the server's own URL once it listens. */
  publicUrl?: string;
  /** Outbound ATS webhooks for tenant acme. */
  atsWebhook?: { url: string; secret: string };
  /** Top-level config fields merged over the defaults (sse limits, rate limits, metrics, …). */
  config?: Record<string, unknown>;
  /** Fields merged into tenant acme's config (retention, …). */
  tenant?: Record<string, unknown>;
}

export interface TestBff {
  url: string;
  tenantId: 'acme';
  apiKey: string;
  widgetKey: string;
  bff: RunningBff;
  token(o?: { role?: 'recruiter' | 'candidate'; candidateId?: string; email?: string; tenantId?: string; ttlSeconds?: number }): Promise<string>;
  api(path: string, init?: RequestInit & { token?: string }): Promise<Response>;
  order(packageId: string, o?: { token?: string; idempotencyKey?: string }): Promise<Order>;
  getOrder(id: string, token?: string): Promise<Order>;
  /** Polls the order (with `token`, default the API key: another tenant's order needs its token) until `pred` holds. */
  waitForOrder(id: string, pred: (o: Order) => boolean, timeoutMs?: number, token?: string): Promise<Order>;
  sse(token: string, o?: { lastEventId?: string }): Promise<SseClient>;
  pollNow(vendor?: VendorId): Promise<void>;
  /** Waits until the job runner's scheduled refresh cycles have run once and none is due (see `scheduledPollsSettled`). */
  scheduledPollsDone(timeoutMs?: number): Promise<void>;
  followLink(orderId: string, kind: LinkKind, token?: string): Promise<string>;
  logLines: string[];
  stop(): Promise<void>;
}

export const TEST_API_KEY = 'test-api-key-acme-0123456789';
export const TEST_WIDGET_KEY = 'test-widget-key-acme-0123456789abcdef';

/**
 * A port free on 127.0.0.1 right now, for a server that must know its URL before it listens. Drawn below Linux's
 * ephemeral range (32768-60999), which `listen(0)` and outgoing connections draw from: a port found with `listen(0)`
 * and closed again could be handed to another process's `listen(0)` before our server binds it (seen as EADDRINUSE
 * with the two test lanes side by side). Here only another caller of this function can race us, at one in 12,000.
 */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  for (let attempt = 0; ; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_768);
    const free = await new Promise<boolean>((resolve, reject) => {
      const s = createServer();
      s.once('error', (err: NodeJS.ErrnoException) => (err.code === 'EADDRINUSE' || err.code === 'EACCES' ? resolve(false) : reject(err)));
      s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
    });
    if (free) return port;
    if (attempt === 50) throw new Error('no free port found below the ephemeral range');
  }
}

/**
 * Config of a tenant beside `acme` (`extraTenants`), with keys derived from its id: one BFF serving a tenant per case
 * costs one start (a database load, seconds of CPU) instead of one per case. Its widget tokens: `token({ tenantId })`.
 */
export function testTenant(id: string, o: { vendors: Record<string, unknown>; packages: PackageConfig[] } & Record<string, unknown>): Record<string, unknown> {
  return { name: id, apiKeys: [`${id}-api-key-0123456789abcdef`], widgetKeys: { k1: `${id}-widget-key-0123456789abcdefghijklmnop` }, ...o };
}

/** The registered vendors with those of `overrides` replacing the ones of the same id, new ids appended. */
export function withOverrides(base: readonly VendorModule[], overrides: readonly VendorModule[]): VendorModule[] {
  const byId = new Map(base.map((m) => [m.id, m]));
  for (const m of overrides) byId.set(m.id, m);
  return [...byId.values()];
}

export async function startTestBff(opts: TestBffOptions): Promise<TestBff> {
  const port = opts.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const config = parseConfig({
    publicUrl: opts.publicUrl ?? url,
    listen: { host: '127.0.0.1', port },
    database: opts.database ?? 'memory:',
    log: { level: 'debug' },
    tenants: {
      acme: {
        name: 'Acme Corp',
        allowedOrigins: opts.allowedOrigins ?? ['http://127.0.0.1:5173'],
        apiKeys: [TEST_API_KEY],
        widgetKeys: { k1: TEST_WIDGET_KEY },
        vendors: opts.vendors,
        packages: opts.packages,
        ...(opts.atsWebhook ? { atsWebhook: opts.atsWebhook } : {}),
        ...opts.tenant,
      },
      ...opts.extraTenants,
    },
    ...opts.config,
  });
  const logLines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logLines.push(...String(chunk).split('\n').filter(Boolean));
      cb();
    },
  });
  const log = pino({ level: 'debug', redact: { paths: REDACT, censor: '[redacted]' } }, sink);
  const bff = await startBff({
    config,
    vendors: withOverrides(vendorModules, [
      ...(opts.modules ?? []),
      ...Object.entries(opts.factories ?? {}).map(([id, create]) => ({ id, displayName: id, create: create! })),
    ]),
    log,
    pollIntervalSeconds: opts.pollIntervalSeconds ?? 3600,
    ...(opts.placeRetryLimit !== undefined ? { placeRetryLimit: opts.placeRetryLimit } : {}),
    ...(opts.placeRetryDelay !== undefined ? { placeRetryDelay: opts.placeRetryDelay } : {}),
    ...(opts.placeRetryDelayMax !== undefined ? { placeRetryDelayMax: opts.placeRetryDelayMax } : {}),
  });

  const token: TestBff['token'] = async (o = {}) => {
    const tenantId = o.tenantId ?? 'acme';
    const keys = (config.tenants[tenantId]?.widgetKeys ?? {}) as Record<string, string>;
    const [kid, secret] = Object.entries(keys)[0]!;
    const candidateId = o.candidateId ?? 'cand-1';
    const { token: t } = await mintWidgetToken({
      tenantId,
      kid,
      secret,
      role: o.role ?? 'recruiter',
      candidate: { id: candidateId, firstName: 'Ada', lastName: 'Lovelace', email: o.email ?? `${candidateId}@example.com`, locale: 'en-US' },
      ...(o.ttlSeconds ? { ttlSeconds: o.ttlSeconds } : {}),
    });
    return t;
  };
  const api: TestBff['api'] = async (path, init = {}) => {
    const { token: t, ...rest } = init;
    const headers = new Headers(rest.headers);
    headers.set('Authorization', `Bearer ${t ?? TEST_API_KEY}`);
    if (rest.body && !headers.has('content-type')) headers.set('Content-Type', 'application/json');
    return fetch(`${bff.url}${path}`, { ...rest, headers, redirect: 'manual' });
  };
  const getOrder = async (id: string, t?: string) => {
    const res = await api(`/v1/orders/${id}`, { token: t ?? TEST_API_KEY });
    if (res.status !== 200) throw new Error(`GET order ${res.status}: ${await res.text()}`);
    return ((await res.json()) as { order: Order }).order;
  };
  return {
    url: bff.url,
    tenantId: 'acme',
    apiKey: TEST_API_KEY,
    widgetKey: TEST_WIDGET_KEY,
    bff,
    token,
    api,
    async order(packageId, o = {}) {
      const headers: Record<string, string> = {};
      if (o.idempotencyKey) headers['Idempotency-Key'] = o.idempotencyKey;
      const res = await api('/v1/orders', { method: 'POST', token: o.token ?? (await token()), headers, body: JSON.stringify({ packageId }) });
      if (res.status !== 202) throw new Error(`POST /v1/orders ${res.status}: ${await res.text()}`);
      return ((await res.json()) as { order: Order }).order;
    },
    getOrder,
    async waitForOrder(id, pred, timeoutMs = 10_000, t) {
      const until = Date.now() + timeoutMs;
      let last: Order | undefined;
      while (Date.now() < until) {
        last = await getOrder(id, t);
        if (pred(last)) return last;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`order ${id} did not reach the expected state; last: ${JSON.stringify(last)}`);
    },
    sse: (t, o = {}) => openSse(`${bff.url}/v1/events`, { token: t, ...o }),
    pollNow: (vendor) => bff.jobs.pollNow(vendor ? { vendor } : {}),
    async scheduledPollsDone(timeoutMs = 30_000) {
      const until = Date.now() + timeoutMs;
      while (!(await bff.jobs.scheduledPollsSettled())) {
        if (Date.now() > until) throw new Error(`the scheduled refresh cycles did not run within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async followLink(orderId, kind, t) {
      const res = await api(`/v1/orders/${orderId}/links`, { method: 'POST', token: t ?? (await token()), body: JSON.stringify({ kind }) });
      if (res.status !== 200) throw new Error(`POST links ${res.status}: ${await res.text()}`);
      const { url: link } = (await res.json()) as { url: string };
      const hop = await fetch(link, { redirect: 'manual' });
      const location = hop.headers.get('location');
      if (hop.status !== 302 || !location) throw new Error(`following the ${kind} link gave ${hop.status}: ${await hop.text()}`);
      return location;
    },
    logLines,
    stop: () => bff.stop(),
  };
}
