// The ATS webhook dispatcher as a reader of the event log: a tenant's events go out in id order from its durable
// cursor, a restart resumes exactly there, a dead replica's lease expires into another's hands, two healthy replicas
// never send one event twice, and retries, give-ups and pruned events move the cursor as docs/api.md#ats-webhooks says.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../testing/databases.js';
import { orderSnapshot } from '../../testing/snapshots.js';
import { parseConfig } from '../config.js';
import { createBoss } from '../jobs/queue.js';
import { createMetrics, type Metrics } from '../metrics.js';
import { openDatabase, type Database } from '../store/db.js';
import { appendEvent, pruneEvents } from '../store/events.js';
import { migrate } from '../store/migrations.js';
import { claimWebhookCursor, ensureWebhookCursor, readWebhookCursor } from '../store/webhook-cursors.js';
import { createWebhookDispatcher, type WebhookDispatcherOptions, type WebhookDispatcher } from './dispatcher.js';
import type { RetryPolicy } from './policy.js';
import { createAtsSender } from './sender.js';

const SECRET = 'dispatcher-test-webhook-secret-0123456789';

/** A loopback ATS: event ids in the order requests arrived; `answer` decides each status (a promise holds the answer). */
async function loopbackAts() {
  const ids: number[] = [];
  let answer: (id: number) => number | Promise<number> = () => 204;
  const server: Server = createServer((req, res) => {
    const id = Number(String(req.headers['webhook-id']).slice('evt_'.length));
    ids.push(id);
    req.resume();
    void Promise.resolve(answer(id)).then((status) => res.writeHead(status).end());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    ids,
    set answer(fn: (id: number) => number | Promise<number>) {
      answer = fn;
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
type LoopbackAts = Awaited<ReturnType<typeof loopbackAts>>;

async function waitFor(cond: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const until = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const distinct = (ids: number[]) => [...new Set(ids)];

for (const d of testDatabases()) {
  describe(`ATS webhook dispatcher on ${d.name}`, () => {
    let url: string;
    let db: Database;
    let acme: LoopbackAts;
    let globex: LoopbackAts;
    let n = 0;
    const running: WebhookDispatcher[] = [];
    const extraDbs: Database[] = [];
    const lines: { level: number; msg: string; tenant?: string }[] = [];
    const log = pino({ level: 'info' }, new Writable({ write: (chunk, _enc, done) => (lines.push(JSON.parse(String(chunk))), done()) }));

    beforeAll(async () => {
      url = d.url();
      db = await openDatabase(url);
      await migrate(db);
      [acme, globex] = [await loopbackAts(), await loopbackAts()];
    });
    afterEach(async () => {
      // Idle first (every lease given up, so every delivery settled), so that the next test starts from saved cursors.
      const leased = async () => (await db.query(`SELECT 1 FROM ca_webhook_cursors WHERE lease_owner IS NOT NULL`)).length > 0;
      await waitFor(async () => !(await leased()), 10_000, 'every lease given up');
      for (const w of running.splice(0)) await w.stop();
      acme.answer = () => 204;
      globex.answer = () => 204;
      acme.ids.length = 0;
      globex.ids.length = 0;
      lines.length = 0;
    });
    afterAll(async () => {
      for (const x of extraDbs) await x.close();
      await db?.close();
      await acme?.stop();
      await globex?.stop();
    });

    /** Appends one event per tenant named, in one transaction; their ids in that order. */
    async function append(tenants: string[], at = new Date()): Promise<number[]> {
      return db.transaction(async (tx) => {
        const ids: number[] = [];
        for (const tenantId of tenants) ids.push(Number((await appendEvent(tx, 'order.created', orderSnapshot({ id: `o_${++n}`, candidateId: 'c1', tenantId }), at)).id));
        return ids;
      });
    }

    /** A replica's dispatcher for tenants acme and globex (on `on`, default the suite's database). */
    async function replica(o: Partial<WebhookDispatcherOptions> & { metrics?: Metrics } = {}): Promise<WebhookDispatcher> {
      const config = parseConfig(
        {
          publicUrl: 'http://127.0.0.1:8787',
          database: 'memory:',
          tenants: {
            acme: { name: 'Acme', widgetKeys: { k1: 'w'.repeat(32) }, atsWebhook: { url: acme.url, secret: SECRET, timeoutMs: 1000 } },
            globex: { name: 'Globex', widgetKeys: { k1: 'w'.repeat(32) }, atsWebhook: { url: globex.url, secret: SECRET, timeoutMs: 1000 } },
          },
        },
        {},
      );
      const w = createWebhookDispatcher({
        db,
        sender: createAtsSender({ config, now: () => new Date() }),
        log,
        metrics: createMetrics(),
        safetyPollMs: 200,
        idleReleaseMs: 300,
        ...o,
      });
      running.push(w);
      await w.start();
      return w;
    }

    it('starts a new tenant webhook at the end of the log, not at its first event', async () => {
      await db.query(`DELETE FROM ca_webhook_cursors`);
      await append(['acme', 'acme', 'globex']);
      await replica();
      const ids = await append(['acme', 'acme']);
      await waitFor(() => acme.ids.length >= 2, 10_000, 'the two new events');
      await new Promise((r) => setTimeout(r, 300));
      expect(acme.ids).toEqual(ids);
      expect(globex.ids).toEqual([]);
    });

    it("delivers each tenant's events in id order, and only its own", async () => {
      await replica();
      const sent = { acme: [] as number[], globex: [] as number[] };
      for (let i = 0; i < 15; i++) {
        const tenants = i % 2 ? ['acme', 'globex', 'acme'] : ['globex', 'acme', 'globex'];
        const ids = await append(tenants);
        tenants.forEach((t, k) => sent[t as 'acme' | 'globex'].push(ids[k]!));
      }
      await waitFor(() => acme.ids.length >= sent.acme.length && globex.ids.length >= sent.globex.length, 20_000, 'every event');
      expect(acme.ids).toEqual(sent.acme);
      expect(globex.ids).toEqual(sent.globex);
    });

    it('resumes after a restart mid-backlog exactly from the cursor, skipping none', async () => {
      const first = await replica();
      // The ATS takes 20 events, then holds the 21st unanswered while the replica is stopped.
      let release: (status: number) => void = () => {};
      acme.answer = () => (acme.ids.length <= 20 ? 204 : new Promise<number>((r) => (release = r)));
      const backlog: number[] = [];
      for (let i = 0; i < 6; i++) backlog.push(...(await append(Array(10).fill('acme'))));
      await waitFor(() => acme.ids.length >= 21, 20_000, 'the 21st delivery');
      await first.stop();
      release(204);
      const cursor = await readWebhookCursor(db, 'acme');
      expect(cursor!.deliveredThrough).toBe(BigInt(backlog[19]!)); // the 21st was never acknowledged
      expect(cursor!.leaseOwner).toBeNull();

      const before = acme.ids.length;
      acme.answer = () => 204;
      await replica();
      await waitFor(() => distinct(acme.ids).length >= backlog.length, 20_000, 'the rest of the backlog');
      expect(acme.ids.slice(before)).toEqual(backlog.slice(20)); // from the event after the cursor, in order
      expect(distinct(acme.ids)).toEqual(backlog);
    });

    it("takes over a dead replica's tenant once its lease has expired, losing nothing", async () => {
      await ensureWebhookCursor(db, 'acme');
      // A replica that claimed the cursor and died: its lease runs for 1.5 s more.
      expect('cursor' in (await claimWebhookCursor(db, 'acme', 'dead-replica', 1500))).toBe(true);
      const claimedAt = Date.now();
      const ids = await append(['acme', 'acme', 'acme']);
      let firstAt = 0;
      acme.answer = () => ((firstAt ||= Date.now()), 204);
      await replica();
      await waitFor(() => acme.ids.length >= 3, 10_000, 'the events of the dead replica');
      expect(acme.ids).toEqual(ids);
      expect(firstAt - claimedAt).toBeGreaterThanOrEqual(1400);
    });

    it('never delivers one event twice from two healthy replicas', async () => {
      // On PostgreSQL each replica has its own connections, as two processes would; PGlite has one connection.
      const other = d.name === 'PGlite' ? db : await openDatabase(url);
      if (other !== db) extraDbs.push(other);
      await replica({ owner: 'replica-a' });
      await replica({ owner: 'replica-b', db: other });
      const sent: number[] = [];
      for (let i = 0; i < 20; i++) {
        sent.push(...(await append(Array(5).fill('acme'))));
        if (i % 5 === 4) await new Promise((r) => setTimeout(r, 600)); // idle long enough for the lease to be given up
      }
      await waitFor(() => acme.ids.length >= sent.length, 30_000, 'every event');
      await new Promise((r) => setTimeout(r, 500));
      expect(acme.ids).toEqual(sent);
    });

    it('retries a failed event before any later one, then gives up after the last retry, logs it, counts it and moves on', async () => {
      const metrics = createMetrics();
      const retry: RetryPolicy = { retryLimit: 2, retryDelay: 0.05, retryDelayMax: 0.1 };
      const [refused, next] = await append(['acme', 'acme']);
      acme.answer = (id) => (id === refused ? 503 : 204);
      await replica({ retry, metrics });
      const count = async (outcome: string) =>
        (await metrics.registry.getSingleMetric('ca_ats_webhook_attempts_total')!.get()).values.find((v) => v.labels.outcome === outcome && v.labels.tenant === 'acme')?.value ?? 0;
      await waitFor(async () => (await count('delivered')) >= 1, 10_000, 'the event after the refused one delivered');
      expect(acme.ids).toEqual([refused, refused, refused, next]);
      expect(lines.filter((l) => l.level === 40 && /will retry/.test(l.msg))).toHaveLength(2);
      expect(lines.filter((l) => l.level === 50 && /gave up/.test(l.msg))).toMatchObject([{ tenant: 'acme', event: String(refused) }]);
      expect([await count('failed'), await count('gave_up'), await count('delivered')]).toEqual([2, 1, 1]);
    });

    it('keeps the retry count and its time in the cursor, so a restart neither retries early nor starts the count again', async () => {
      const retry: RetryPolicy = { retryLimit: 1, retryDelay: 1.5, retryDelayMax: 1.5 };
      const [refused] = await append(['acme']);
      acme.answer = () => 503;
      const first = await replica({ retry });
      await waitFor(() => acme.ids.length >= 1, 10_000, 'the first attempt');
      await waitFor(() => lines.some((l) => /will retry/.test(l.msg)), 10_000, 'the failure logged');
      await first.stop();
      expect(await readWebhookCursor(db, 'acme')).toMatchObject({ attempts: 1 });
      const restarted = Date.now();
      await replica({ retry });
      await waitFor(() => acme.ids.length >= 2, 10_000, 'the retry');
      expect(Date.now() - restarted).toBeGreaterThanOrEqual(800); // waited out the backoff (1.5–3 s after the failure)
      await waitFor(() => lines.some((l) => /gave up/.test(l.msg)), 10_000, 'the give-up');
      expect(acme.ids).toEqual([refused, refused]); // the second attempt was the last of 1 + 1 retry
    });

    it('starts a tenant upgraded from per-event delivery jobs just before the oldest job still waiting', async () => {
      const boss = createBoss(db, log);
      await boss.start();
      try {
        await boss.createQueue('ats-webhook');
        await db.query(`DELETE FROM ca_webhook_cursors WHERE tenant_id = 'globex'`);
        const [, waiting, alsoWaiting] = await append(['globex', 'globex', 'globex']);
        for (const eventId of [waiting, alsoWaiting]) await boss.send('ats-webhook', { tenantId: 'globex', eventId: String(eventId) });
        await replica({ legacyJobSchema: db.jobSchema });
        await waitFor(() => globex.ids.length >= 2, 10_000, 'the waiting deliveries');
        expect(globex.ids).toEqual([waiting, alsoWaiting]);
      } finally {
        await boss.stop({ graceful: false });
      }
    });

    it('moves past an event pruned before it was delivered, with a warning', async () => {
      await ensureWebhookCursor(db, 'acme');
      const old = new Date(Date.now() - 3600_000);
      await append(['acme', 'acme'], old);
      const [kept] = await append(['acme']);
      await pruneEvents(db, new Date(Date.now() - 60_000));
      await replica();
      await waitFor(() => acme.ids.length >= 1, 10_000, 'the kept event');
      expect(acme.ids).toEqual([kept]);
      expect(lines.filter((l) => /event pruned before its webhook was delivered/.test(l.msg))).toMatchObject([{ level: 40, tenant: 'acme' }]);
      await waitFor(async () => (await readWebhookCursor(db, 'acme'))!.deliveredThrough >= BigInt(kept!), 5_000, 'the cursor saved past it');
    });
  });
}
