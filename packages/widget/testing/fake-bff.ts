// Unit-test stand-in for the BFF inside the page: answers the widget's fetch calls per docs/contracts.md#http-api and serves
// /v1/events as a real SSE byte stream. Test-only; the real BFF is exercised by the end-to-end tests.
import type { Order, OrderEvent, Package } from '@ca/shared';
import { vi } from 'vitest';

export const API = 'https://bff.test';

const b64url = (v: unknown): string =>
  btoa(String.fromCharCode(...new TextEncoder().encode(JSON.stringify(v))))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');

/** A widget token shaped like the BFF's (unsigned: the widget never verifies, the fake checks by value). */
export function makeToken(claims: { role?: 'recruiter' | 'candidate'; sub?: string; iss?: string; lifeSeconds?: number; n?: number } = {}): string {
  const iat = Math.floor(Date.now() / 1000);
  return [
    b64url({ alg: 'HS256', typ: 'JWT', kid: 'k1' }),
    b64url({
      iss: claims.iss ?? 'acme',
      aud: 'candidate-assessment',
      sub: claims.sub ?? 'cand-123',
      role: claims.role ?? 'recruiter',
      cand: { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' },
      iat,
      exp: iat + (claims.lifeSeconds ?? 600),
      jti: `jti-${claims.n ?? Math.random()}`,
    }),
    'signature',
  ].join('.');
}

const ago = (minutes: number): string => new Date(Date.now() - minutes * 60_000).toISOString();

let versions = 0;

/** Later calls make newer snapshots, as the BFF's versions do; pass `version` to make an older one. */
export function makeOrder(over: Partial<Order> & Pick<Order, 'id'>): Order {
  return {
    version: ++versions,
    tenantId: 'acme',
    candidateId: 'cand-123',
    packageId: 'mettl-java',
    packageName: 'Java coding test',
    vendor: 'mettl',
    vendorName: 'Mercer | Mettl',
    vendorRef: 'ref-1',
    status: 'invited',
    vendorStatus: 'ToBeTaken',
    progress: null,
    statusChangedAt: ago(2),
    createdAt: ago(60),
    booking: null,
    result: null,
    error: null,
    retakeOf: null,
    lastAction: null,
    ...over,
  };
}

/** One candidate's orders across the four vendors, newest first, as the BFF would list them. */
export function sampleOrders(): Order[] {
  return [
    makeOrder({
      id: 'o-psi',
      packageId: 'psi-cert',
      packageName: 'Certification exam',
      vendor: 'psi',
      vendorName: 'PSI',
      status: 'scheduled',
      vendorStatus: 'BOOKING_CREATED',
      createdAt: ago(5),
      statusChangedAt: ago(3),
      booking: {
        startsAt: '2026-12-14T15:00:00.000Z',
        timeZone: 'America/Chicago',
        location: 'PSI Test Center, Chicago IL',
        deliveryMode: 'test_center',
      },
    }),
    makeOrder({
      id: 'o-pym',
      packageId: 'pym-games',
      packageName: 'Job fit games',
      vendor: 'pymetrics',
      vendorName: 'pymetrics',
      status: 'in_progress',
      vendorStatus: 'IN_PROGRESS',
      progress: 40,
      createdAt: ago(30),
      statusChangedAt: ago(10),
    }),
    makeOrder({
      id: 'o-berke',
      packageId: 'berke-sales',
      packageName: 'Sales personality',
      vendor: 'berke',
      vendorName: 'Berke',
      status: 'scored',
      vendorStatus: 'jobFitScoresAvailable',
      createdAt: ago(600),
      statusChangedAt: ago(120),
      result: {
        level: 'high',
        subScores: [],
        flags: [],
        jobFits: [
          { job: 'Account Manager', fitPct: 91, level: 'high', primary: false },
          { job: 'Sales Representative', fitPct: 84, level: 'high', primary: true },
          { job: 'Customer Support', fitPct: 55, level: 'medium', primary: false },
        ],
        reportAvailable: true,
      },
    }),
    makeOrder({
      id: 'o-mettl',
      status: 'scored',
      vendorStatus: 'gradedAssessment',
      createdAt: ago(2000),
      statusChangedAt: ago(1500),
      result: {
        score: 72,
        maxScore: 100,
        band: 'Proficient',
        passed: true,
        subScores: [
          { label: 'Core Java', value: 18, max: 25 },
          { label: 'Collections', value: 21, max: 25 },
        ],
        flags: [{ code: 'credibility', label: 'Credibility', value: 'Low', severity: 'warning' }],
        jobFits: [],
        reportAvailable: true,
      },
    }),
  ];
}

/** As the BFF lists them, with the actions each vendor offers (PSI has no way to send an invitation again). */
export const samplePackages: Package[] = [
  { id: 'mettl-java', vendor: 'mettl', vendorName: 'Mercer | Mettl', name: 'Java coding test', kind: 'test', actions: ['cancel', 'remind', 'retake'] },
  { id: 'berke-sales', vendor: 'berke', vendorName: 'Berke', name: 'Sales personality', kind: 'personality', actions: ['cancel', 'remind', 'retake'] },
  { id: 'psi-cert', vendor: 'psi', vendorName: 'PSI', name: 'Certification exam', kind: 'exam', actions: ['cancel', 'retake'] },
];

export interface SeenRequest {
  method: string;
  path: string;
  headers: Headers;
  body: Record<string, unknown> | null;
}

interface OpenStream {
  controller: ReadableStreamDefaultController<Uint8Array>;
  lastEventId: string | null;
  token: string;
}

const json = (status: number, body: unknown): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

export class FakeBff {
  orders: Order[] = sampleOrders();
  packages: Package[] = samplePackages;
  readonly requests: SeenRequest[] = [];
  readonly streams: OpenStream[] = [];
  /** Tokens the fake accepts; anything else is a 401. */
  readonly valid = new Set<string>();
  readonly expired = new Set<string>();
  /** Answer a 401 as a browser shows one that lacks CORS headers: a network error with nothing to read. */
  opaque401 = false;
  /** Make the next N calls to this path fail with this response. */
  failNext: { method: string; path: string; times: number; status: number; code: string; message: string } | null = null;
  /** Delay before answering (per path prefix). */
  delays = new Map<string, Promise<void>>();
  private eventId = 0;
  private ticket = 0;
  private readonly idempotency = new Map<string, Order>();

  /** Replaces window.fetch for this test (restored by vi.unstubAllGlobals). */
  install(): this {
    vi.stubGlobal('fetch', this.fetch);
    return this;
  }

  count(method: string, path: string): number {
    return this.requests.filter((r) => r.method === method && r.path === path).length;
  }

  readonly fetch = async (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
    const url = new URL(String(input));
    if (url.origin !== API) throw new TypeError(`unexpected fetch to ${url.origin}`);
    const method = (init.method ?? 'GET').toUpperCase();
    const headers = new Headers(init.headers);
    const body = typeof init.body === 'string' ? (JSON.parse(init.body) as Record<string, unknown>) : null;
    const path = url.pathname;
    this.requests.push({ method, path, headers, body });
    for (const [prefix, gate] of this.delays) if (path.startsWith(prefix)) await gate;

    const token = headers.get('Authorization')?.replace(/^Bearer /, '') ?? '';
    if (this.opaque401 && (this.expired.has(token) || !this.valid.has(token))) throw new TypeError('Failed to fetch');
    if (this.expired.has(token)) return json(401, { error: { code: 'token_expired', message: 'The token has expired.' } });
    if (!this.valid.has(token)) return json(401, { error: { code: 'token_invalid', message: 'The token is invalid.' } });
    const f = this.failNext;
    if (f && f.method === method && f.path === path && f.times > 0) {
      f.times--;
      return json(f.status, { error: { code: f.code, message: f.message } });
    }

    if (method === 'GET' && path === '/v1/orders') return json(200, { orders: this.orders });
    if (method === 'GET' && path === '/v1/packages') return json(200, { packages: this.packages });
    if (method === 'POST' && path === '/v1/orders') {
      const key = headers.get('Idempotency-Key');
      if (!key) return json(400, { error: { code: 'idempotency_key_required', message: 'Idempotency-Key is required.' } });
      const known = this.idempotency.get(key);
      if (known) return json(202, { order: known });
      const pkg = this.packages.find((p) => p.id === body?.packageId);
      if (!pkg) return json(404, { error: { code: 'package_not_found', message: 'No such package.' } });
      const now = new Date().toISOString();
      const order = makeOrder({
        id: `o-new-${this.idempotency.size + 1}`,
        packageId: pkg.id,
        packageName: pkg.name,
        vendor: pkg.vendor,
        status: 'requested',
        vendorStatus: null,
        createdAt: now,
        statusChangedAt: now,
      });
      this.idempotency.set(key, order);
      this.orders = [order, ...this.orders];
      return json(202, { order });
    }
    const link = /^\/v1\/orders\/([^/]+)\/links$/.exec(path);
    if (method === 'POST' && link) {
      this.ticket++;
      return json(200, {
        url: `${API}/l/${body?.kind}-${link[1]}-${this.ticket}`,
        expiresAt: new Date(Date.now() + 600_000).toISOString(),
      });
    }
    if (method === 'GET' && path === '/v1/events') {
      let entry: OpenStream;
      const stream = new ReadableStream<Uint8Array>({
        start: (controller) => {
          entry = { controller, lastEventId: headers.get('Last-Event-ID'), token };
          this.streams.push(entry);
          controller.enqueue(new TextEncoder().encode(': connected\n\n'));
        },
        cancel: () => this.forget(entry),
      });
      init.signal?.addEventListener('abort', () => {
        this.forget(entry);
        try {
          entry.controller.error(new DOMException('The user aborted a request.', 'AbortError'));
        } catch {
          /* already closed */
        }
      });
      return new Response(stream, { status: 200, headers: { 'Content-Type': 'text/event-stream' } });
    }
    return json(404, { error: { code: 'not_found', message: `${method} ${path}` } });
  };

  /** Pushes an order event to every open stream, split across chunks like a real network would. */
  emit(type: OrderEvent['type'], order: Order): string {
    const id = String(++this.eventId);
    const idx = this.orders.findIndex((o) => o.id === order.id);
    if (idx >= 0) this.orders[idx] = order;
    else this.orders = [order, ...this.orders];
    const event: OrderEvent = { id, type, orderId: order.id, candidateId: order.candidateId, tenantId: order.tenantId, order, at: new Date().toISOString() };
    this.send(`id: ${id}\r\nevent: ${type}\r\ndata: ${JSON.stringify(event)}\r\n\r\n`);
    return id;
  }

  send(frame: string): void {
    const bytes = new TextEncoder().encode(frame);
    const cut = Math.floor(bytes.length / 2);
    for (const s of this.streams) {
      s.controller.enqueue(bytes.slice(0, cut));
      s.controller.enqueue(bytes.slice(cut));
    }
  }

  /** Ends every open stream as a restarting server or a dropped proxy would. */
  dropStreams(): void {
    for (const s of this.streams.splice(0)) s.controller.close();
  }

  private forget(entry: OpenStream | undefined): void {
    const i = entry ? this.streams.indexOf(entry) : -1;
    if (i >= 0) this.streams.splice(i, 1);
  }
}
