// Assembles a running BFF from a validated config: database, migrations, adapters, jobs, SSE hub, app.
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
import { createAtsWebhooks } from './events/ats-webhooks.js';
import { createSseHub } from './events/hub.js';
import { createJobRunner } from './jobs/runner.js';
import { createMetrics } from './metrics.js';
import { createDeliveryService, type DeliveryService } from './deliveries/service.js';
import { createLinkService } from './links/service.js';
import { createOrderService, type OrderService } from './orders/service.js';
import { createPrivacyService, type PrivacyService } from './privacy/service.js';
import { openDatabase } from './store/db.js';
import { pruneEvents } from './store/events.js';
import { pruneLinks } from './store/links.js';
import { serverSecret } from './store/meta.js';
import { migrate } from './store/migrations.js';
import { checkVendorConfig, createVendorHost } from './vendor-host/host.js';
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

export async function startBff(opts: StartOptions): Promise<RunningBff> {
  const { config } = opts;
  const log = opts.log ?? pino({ level: config.log.level, redact: { paths: REDACT, censor: '[redacted]' } });
  const now = opts.now ?? (() => new Date());
  const vendors = opts.vendors ?? vendorModules;
  await checkVendorConfig(config, vendors);
  const db = await openDatabase(config.database, { onError: (err) => log.warn({ err: err.message }, 'database connection error') });
  const closers: (() => Promise<void>)[] = [() => db.close()];
  const stopAll = async () => {
    for (const close of closers.reverse()) await close().catch((err) => log.error({ err: String(err) }, 'error while stopping'));
  };
  try {
    const applied = await migrate(db);
    if (applied.length) log.info({ versions: applied }, 'applied migrations');
    const secret = await serverSecret(db);
    const metrics = createMetrics();
    const adapters = createVendorHost({ config, vendors, secret, log, now });
    closers.push(() => adapters.close());
    let orders!: OrderService;
    let jobsStarted = false;
    const jobs = createJobRunner({
      db,
      adapters,
      orders: () => orders,
      log,
      metrics,
      atsWebhooks: createAtsWebhooks({ config, log, now }),
      ...(opts.pollIntervalSeconds !== undefined ? { pollIntervalSeconds: opts.pollIntervalSeconds } : {}),
      ...(opts.placeRetryLimit !== undefined ? { placeRetryLimit: opts.placeRetryLimit } : {}),
      ...(opts.placeRetryDelay !== undefined ? { placeRetryDelay: opts.placeRetryDelay } : {}),
    });
    orders = createOrderService({
      db,
      now,
      enqueuePlacement: (tx, id) => jobs.enqueuePlacement(tx, id),
      eventDeliveries: { wants: (tenantId) => jobs.deliversEvents(tenantId), enqueue: (tx, events) => jobs.enqueueEventDeliveries(tx, events) },
    });
    await jobs.start();
    jobsStarted = true;
    closers.push(() => jobs.stop());
    const hub = createSseHub({ db, log, metrics, limits: config.sse });
    await hub.start();
    closers.push(() => hub.stop());

    const privacy = createPrivacyService({ db, config, secret, log, now });
    const retentionMs = config.eventRetentionHours * 3600_000;
    const maintenance = setInterval(() => {
      const t = now();
      pruneEvents(db, new Date(t.getTime() - retentionMs)).catch((err) => log.warn({ err: String(err) }, 'pruning events failed'));
      pruneLinks(db, new Date(t.getTime() - 3600_000)).catch((err) => log.warn({ err: String(err) }, 'pruning links failed'));
      privacy.prune().catch((err) => log.warn({ err: String(err) }, 'pruning by retention failed'));
    }, 15 * 60_000).unref();
    closers.push(async () => clearInterval(maintenance));

    const oauth = createOAuthIssuer({ secret, now });
    const deliveries = createDeliveryService({
      db,
      orders,
      adapters,
      oauth,
      refreshOrderSoon: (t, v, o) => jobs.refreshOrderSoon(t, v, o),
      metrics,
      log,
      now,
    });
    const app = createApp({
      config,
      db,
      orders,
      deliveries,
      links: createLinkService({ db, adapters, metrics, log, now, publicUrl: config.publicUrl }),
      jobs: { refreshOrderSoon: (t, v, o) => jobs.refreshOrderSoon(t, v, o), ready: () => jobsStarted },
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
    const port = opts.port ?? config.listen.port;
    const server = await new Promise<ServerType>((resolve, reject) => {
      const s = serve({ fetch: app.fetch, hostname: config.listen.host, port }, () => resolve(s));
      s.once('error', reject);
    });
    const actual = (server.address() as AddressInfo).port;
    const closeServer = (srv: ServerType) => () =>
      new Promise<void>((resolve) => {
        srv.close(() => resolve());
        (srv as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
    closers.push(closeServer(server));
    let metricsUrl: string | undefined;
    if (config.metrics.listen) {
      // Metrics on their own address (e.g. a private interface the scraper reaches), not on the public listener.
      const { host, port: metricsPort } = config.metrics.listen;
      const ops = new Hono();
      ops.get('/metrics', metricsHandler({ config, metrics }));
      const metricsServer = await new Promise<ServerType>((resolve, reject) => {
        const s = serve({ fetch: ops.fetch, hostname: host, port: metricsPort }, () => resolve(s));
        s.once('error', reject);
      });
      closers.push(closeServer(metricsServer));
      metricsUrl = `http://${host}:${(metricsServer.address() as AddressInfo).port}/metrics`;
    }
    return {
      url: `http://${config.listen.host}:${actual}`,
      port: actual,
      ...(metricsUrl ? { metricsUrl } : {}),
      server,
      orders,
      deliveries,
      jobs,
      hub,
      privacy,
      db,
      log,
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
