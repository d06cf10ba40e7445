// Assembles a running BFF from a validated config: database, migrations, adapters, jobs, SSE hub, ATS webhooks, app.
// server.ts (the CLI) and the test harness both start the BFF through here, so tests run the real thing.
import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import pino, { type Logger } from 'pino';
import { Hono } from 'hono';
import { createApp } from './app.js';
import { metricsHandler } from './routes/ops.js';
import { createOAuthIssuer } from './auth/oauth.js';
import { createAuthenticator } from './auth/principal.js';
import type { Config } from './config.js';
import { createSseHub } from './events/hub.js';
import { createBoss } from './jobs/queue.js';
import { placementEnqueuer } from './jobs/placement.js';
import { createJobRunner } from './jobs/runner.js';
import { createMetrics, type Metrics } from './metrics.js';
import { createDeliveryService, type DeliveryService } from './deliveries/service.js';
import { createLinkService } from './links/service.js';
import { createOrderService, type OrderService } from './orders/service.js';
import { createPrivacyService, type PrivacyService } from './privacy/service.js';
import { openDatabase, type Database } from './store/db.js';
import { pruneEvents } from './store/events.js';
import { pruneLinks } from './store/links.js';
import { vacuumWhereDue } from './store/vacuum.js';
import { serverSecret } from './store/meta.js';
import { migrate } from './store/migrations.js';
import { checkVendorConfig, createVendorHost, type VendorHost } from './vendor-host/host.js';
import { createWebhookDispatcher } from './webhooks/dispatcher.js';
import { createAtsSender } from './webhooks/sender.js';
import { vendorModules } from './vendors/registry.js';
import type { VendorModule } from './core/vendor-port.js';

export const DEFAULT_WIDGET_FILE = fileURLToPath(new URL('../../widget/dist/widget.js', import.meta.url));

/** Paths pino removes from every log line: credentials must never reach a log. */
export const REDACT = [
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'apiKey',
  'apiKeys',
  'secret',
  'clientSecret',
  'privateKey',
  'apiToken',
  'password',
  'token',
  '*.secret',
  '*.clientSecret',
  '*.privateKey',
  '*.apiToken',
  '*.password',
  '*.token',
];

export interface StartOptions {
  config: Config;
  /** The vendors this BFF knows; default every vendor in vendors/registry.ts. */
  vendors?: readonly VendorModule[];
  log?: Logger;
  now?: () => Date;
  widgetFile?: string;
  /** Test knobs. */
  pollIntervalSeconds?: number;
  placeRetryLimit?: number;
  placeRetryDelay?: number;
  placeRetryDelayMax?: number;
  /** Listen port override (0 = any). */
  port?: number;
}

export interface RunningBff {
  url: string;
  /** Where metrics are served when `metrics.listen` is set. */
  metricsUrl?: string;
  port: number;
  server: ServerType;
  orders: OrderService;
  /** The inbound delivery service the hook routes call (benchmarks call it without HTTP to find the ceiling). */
  deliveries: DeliveryService;
  jobs: ReturnType<typeof createJobRunner>;
  hub: ReturnType<typeof createSseHub>;
  privacy: PrivacyService;
  db: Awaited<ReturnType<typeof openDatabase>>;
  log: Logger;
  stop(): Promise<void>;
}

type Closers = (() => Promise<void>)[];

export async function startBff(opts: StartOptions): Promise<RunningBff> {
  const { config } = opts;
  const log = opts.log ?? pino({ level: config.log.level, redact: { paths: REDACT, censor: '[redacted]' } });
  const now = opts.now ?? (() => new Date());
  const vendors = opts.vendors ?? vendorModules;
  await checkVendorConfig(config, vendors);
  const db = await openDatabase(config.database, { onError: (err) => log.warn({ err: err.message }, 'database connection error') });
  const closers: Closers = [() => db.close()];
  const stopAll = async () => {
    for (const close of closers.reverse()) await close().catch((err) => log.error({ err: String(err) }, 'error while stopping'));
  };
  try {
    const applied = await migrate(db);
    if (applied.length) log.info({ versions: applied }, 'applied migrations');
    const secret = await serverSecret(db);
    const metrics = createMetrics();
    const adapters = createVendorHost({ config, vendors, secret, log, now, metrics });
    closers.push(() => adapters.close());
    const core = await startCore({ opts, db, adapters, metrics, log, now }, closers);
    const privacy = createPrivacyService({ db, config, secret, log, now, adapters });
    startMaintenance({ db, config, privacy, log, now }, closers);
    const oauth = createOAuthIssuer({ secret, now });
    const { orders, jobs, hub } = core;
    const deliveries = createDeliveryService({ db, orders, adapters, oauth, refreshOrderSoon: jobs.refreshOrderSoon, metrics, log, now });
    const app = createApp({
      config,
      db,
      orders,
      deliveries,
      links: createLinkService({ db, adapters, metrics, log, now, publicUrl: config.publicUrl }),
      jobs: { refreshOrderSoon: jobs.refreshOrderSoon, ready: jobs.started },
      hub,
      adapters,
      privacy,
      auth: createAuthenticator(config, now),
      oauth,
      metrics,
      log,
      now,
      widgetFile: opts.widgetFile ?? DEFAULT_WIDGET_FILE,
    });
    const server = await listen(app.fetch, config.listen.host, opts.port ?? config.listen.port, closers);
    const port = (server.address() as AddressInfo).port;
    const metricsUrl = await startMetricsListener(config, metrics, closers);
    return { url: `http://${config.listen.host}:${port}`, port, ...(metricsUrl ? { metricsUrl } : {}), server, orders, deliveries, jobs, hub, privacy, db, log, stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/**
 * The one-way core: the order service (the one writer of orders and events), the job runner that calls it, and the two
 * readers of the event log, the SSE hub and the ATS webhook dispatcher. The queue is made first so the order service
 * gets its placement port without knowing the job runner.
 */
async function startCore(
  c: { opts: StartOptions; db: Database; adapters: VendorHost; metrics: Metrics; log: Logger; now: () => Date },
  closers: Closers,
) {
  const { opts, db, adapters, metrics, log, now } = c;
  const boss = createBoss(db, log);
  const orders = createOrderService({ db, now, enqueuePlacement: placementEnqueuer(boss) });
  const jobs = createJobRunner({
    boss,
    db,
    adapters,
    orders,
    log,
    metrics,
    ...(opts.pollIntervalSeconds !== undefined ? { pollIntervalSeconds: opts.pollIntervalSeconds } : {}),
    ...(opts.placeRetryLimit !== undefined ? { placeRetryLimit: opts.placeRetryLimit } : {}),
    ...(opts.placeRetryDelay !== undefined ? { placeRetryDelay: opts.placeRetryDelay } : {}),
    ...(opts.placeRetryDelayMax !== undefined ? { placeRetryDelayMax: opts.placeRetryDelayMax } : {}),
  });
  await jobs.start();
  closers.push(() => jobs.stop());
  const hub = createSseHub({ db, log, metrics, limits: opts.config.sse });
  await hub.start();
  closers.push(() => hub.stop());
  const sender = createAtsSender({ config: opts.config, now });
  const webhooks = createWebhookDispatcher({ db, sender, log, metrics, legacyJobSchema: db.jobSchema });
  await webhooks.start();
  closers.push(() => webhooks.stop());
  return { orders, jobs, hub };
}

/**
 * Every 15 minutes: events past their retention, used links, and personal data past the tenant's retention; then,
 * on PGlite, the vacuum autovacuum would have run (store/vacuum.ts).
 */
function startMaintenance(m: { db: Database; config: Config; privacy: PrivacyService; log: Logger; now: () => Date }, closers: Closers): void {
  const { db, privacy, log, now } = m;
  const retentionMs = m.config.eventRetentionHours * 3600_000;
  const maintenance = setInterval(() => {
    const t = now();
    const pruned = [
      pruneEvents(db, new Date(t.getTime() - retentionMs)).catch((err) => log.warn({ err: String(err) }, 'pruning events failed')),
      pruneLinks(db, new Date(t.getTime() - 3600_000)).catch((err) => log.warn({ err: String(err) }, 'pruning links failed')),
      privacy.prune().catch((err) => log.warn({ err: String(err) }, 'pruning by retention failed')),
    ];
    void Promise.all(pruned)
      .then(() => vacuumWhereDue(db))
      .then((tables) => tables.length > 0 && log.info({ tables }, 'vacuumed the embedded database'))
      .catch((err) => log.warn({ err: String(err) }, 'vacuuming the embedded database failed'));
  }, 15 * 60_000).unref();
  closers.push(async () => clearInterval(maintenance));
}

/** Serves `fetch` on host:port; stopping closes the server and every open connection. */
async function listen(fetch: (req: Request) => Response | Promise<Response>, hostname: string, port: number, closers: Closers): Promise<ServerType> {
  const server = await new Promise<ServerType>((resolve, reject) => {
    const s = serve({ fetch, hostname, port }, () => resolve(s));
    s.once('error', reject);
  });
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      }),
  );
  return server;
}

/** Metrics on their own address (e.g. a private interface the scraper reaches), not on the public listener, when set. */
async function startMetricsListener(config: Config, metrics: Metrics, closers: Closers): Promise<string | undefined> {
  if (!config.metrics.listen) return undefined;
  const { host, port } = config.metrics.listen;
  const ops = new Hono();
  ops.get('/metrics', metricsHandler({ config, metrics }));
  const server = await listen(ops.fetch, host, port, closers);
  return `http://${host}:${(server.address() as AddressInfo).port}/metrics`;
}
