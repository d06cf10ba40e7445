// The ATS webhook dispatcher as a reader of the event log: a tenant's first attempts start in id order from its durable
// cursor, up to 16 in flight; a failed one is parked and retried alone, holding none of the later events; a restart
// resumes exactly there (parked retries too); a dead replica's lease expires into another's hands; two healthy replicas
// never send one event twice; give-ups and pruned events as docs/api.md#ats-webhooks says.
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
import { openDatabase, type Database, type Sql } from '../store/db.js';
import { appendEvent, pruneEvents } from '../store/events.js';
import { migrate } from '../store/migrations.js';
import { claimWebhookCursor, ensureWebhookCursor, readWebhookCursor } from '../store/webhook-cursors.js';
import { readWebhookRetries } from '../store/webhook-retries.js';
import { createWebhookDispatcher, type WebhookDispatcherOptions, type WebhookDispatcher } from './dispatcher.js';
import type { RetryPolicy } from './policy.js';
import { createAtsSender } from './sender.js';

const SECRET = 'dispatcher-test-webhook-secret-0123456789';

/**
 * A loopback ATS: event ids in the order requests arrived; `answer` decides each status (a promise holds the answer);
 * `maxInFlight` is the most requests it held unanswered at once.
 */
async function loopbackAts() {
  const ids: number[] = [];
  let answer: (id: number) => number | Promise<number> = () => 204;
  const load = { inFlight: 0, max: 0 };
  const server: Server = createServer((req, res) => {
    const id = Number(String(req.headers['webhook-id']).slice('evt_'.length));
    ids.push(id);
    load.max = Math.max(load.max, ++load.inFlight);
    req.resume();
    void Promise.resolve(answer(id)).then((status) => {
      load.inFlight -= 1;
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    ids,
    load,
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
const sorted = (ids: number[]) => [...ids].sort((a, b) => a - b);
const countOf = (ids: number[], id: number) => ids.filter((x) => x === id).length;
const delivered = async (metrics: Metrics, tenant: string) =>
  (await metrics.registry.getSingleMetric('ca_ats_webhook_attempts_total')!.get()).values.find((v) => v.labels.outcome === 'delivered' && v.labels.tenant === tenant)?.value ?? 0;

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
    /** Every delivery any replica started, in the order it started them: [tenant, event id]. */
    const started: [string, number][] = [];
    const startedFor = (tenantId: string) => started.filter(([t]) => t === tenantId).map(([, id]) => id);
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
      await db.query(`DELETE FROM ca_webhook_retries`); // a retry left by one test is not the next one's
      acme.answer = () => 204;
      globex.answer = () => 204;
      acme.ids.length = 0;
      globex.ids.length = 0;
      acme.load.max = 0;
      started.length = 0;
      lines.length = 0;
    });
    afterAll(async () => {
      for (const x of extraDbs) await x.close();
      await db?.close();
      await acme?.stop();
      await globex?.stop();
    });

    /** Appends one event per tenant named, in one transaction; their ids in that order. */
    async function append(tenants: string[], at = new Date(), inTx?: Sql): Promise<number[]> {
      const write = async (tx: Sql) => {
        const ids: number[] = [];
        for (const tenantId of tenants) ids.push(Number((await appendEvent(tx, 'order.created', orderSnapshot({ id: `o_${++n}`, candidateId: 'c1', tenantId }), at)).id));
        return ids;
      };
      return inTx ? write(inTx) : db.transaction(write);
    }

    /** A replica's dispatcher for tenants acme and globex (on `on`, default the suite's database). */
    async function replica(o: Partial<WebhookDispatcherOptions> & { metrics?: Metrics } = {}): Promise<WebhookDispatcher> {
      // A generous timeout: a delivery that times out is parked and sent again, which the exact counts below would see.
      // With 1 s, a CI run under full load once sent two events of the window test twice (their 100 ms answers late).
      const config = parseConfig(
        {
          publicUrl: 'http://127.0.0.1:8787',
          database: 'memory:',
          tenants: {
            acme: { name: 'Acme', widgetKeys: { k1: 'w'.repeat(32) }, atsWebhook: { url: acme.url, secret: SECRET, timeoutMs: 10_000 } },
            globex: { name: 'Globex', widgetKeys: { k1: 'w'.repeat(32) }, atsWebhook: { url: globex.url, secret: SECRET, timeoutMs: 10_000 } },
          },
        },
        {},
      );
      const sender = createAtsSender({ config, now: () => new Date() });
      const w = createWebhookDispatcher({
        db,
        sender: { ...sender, send: (event, signal) => (started.push([event.tenantId, Number(event.id)]), sender.send(event, signal)) },
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

    it("starts each tenant's first attempts in id order, and sends only its own", async () => {
      await replica();
      const sent = { acme: [] as number[], globex: [] as number[] };
      for (let i = 0; i < 15; i++) {
        const tenants = i % 2 ? ['acme', 'globex', 'acme'] : ['globex', 'acme', 'globex'];
        const ids = await append(tenants);
        tenants.forEach((t, k) => sent[t as 'acme' | 'globex'].push(ids[k]!));
      }
      await waitFor(() => acme.ids.length >= sent.acme.length && globex.ids.length >= sent.globex.length, 20_000, 'every event');
      expect(startedFor('acme')).toEqual(sent.acme);
      expect(startedFor('globex')).toEqual(sent.globex);
      expect(sorted(acme.ids)).toEqual(sent.acme);
      expect(sorted(globex.ids)).toEqual(sent.globex);
    });

    it('keeps up to 16 deliveries of a tenant in flight, no more', async () => {
      acme.answer = () => new Promise<number>((r) => setTimeout(() => r(204), 100));
      await ensureWebhookCursor(db, 'acme');
      const backlog: number[] = [];
      for (let i = 0; i < 4; i++) backlog.push(...(await append(Array(16).fill('acme'))));
      await replica();
      await waitFor(() => acme.ids.length >= backlog.length, 30_000, 'every event');
      // One at a time, 64 deliveries of 100 ms would hold at most one request at the ATS at any moment.
      expect(acme.load.max).toBeGreaterThan(1);
      expect(acme.load.max).toBeLessThanOrEqual(16);
      expect(startedFor('acme')).toEqual(backlog);
      expect(sorted(acme.ids)).toEqual(backlog);
      await waitFor(async () => (await readWebhookCursor(db, 'acme'))!.deliveredThrough >= BigInt(backlog.at(-1)!), 5_000, 'the cursor saved past them');
    });

    it('resumes after a restart mid-backlog exactly from the cursor, skipping none', async () => {
      const metrics = createMetrics();
      await ensureWebhookCursor(db, 'acme');
      const backlog: number[] = [];
      for (let i = 0; i < 6; i++) backlog.push(...(await append(Array(10).fill('acme'))));
      // The ATS takes the first 20 events and holds every later one unanswered while the replica is stopped.
      const held: ((status: number) => void)[] = [];
      acme.answer = (id) => (id <= backlog[19]! ? 204 : new Promise<number>((r) => held.push(r)));
      const first = await replica({ metrics });
      await waitFor(async () => held.length >= 1 && (await delivered(metrics, 'acme')) >= 20, 20_000, 'the first 20 delivered and the 21st held');
      await first.stop();
      for (const r of held) r(204);
      const cursor = await readWebhookCursor(db, 'acme');
      expect(cursor!.deliveredThrough).toBe(BigInt(backlog[19]!)); // the 21st was never acknowledged
      expect(cursor!.leaseOwner).toBeNull();

      const before = started.length;
      acme.answer = () => 204;
      await replica();
      await waitFor(() => distinct(acme.ids).length >= backlog.length, 20_000, 'the rest of the backlog');
      expect(started.slice(before).map(([, id]) => id)).toEqual(backlog.slice(20)); // from the event after the cursor, in order
      expect(sorted(distinct(acme.ids))).toEqual(backlog);
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
      expect(startedFor('acme')).toEqual(ids);
      expect(sorted(acme.ids)).toEqual(ids);
      expect(firstAt - claimedAt).toBeGreaterThanOrEqual(1400);
    });

    it('never delivers one event twice from two healthy replicas, retries included', async () => {
      // On PostgreSQL each replica has its own connections, as two processes would; PGlite has one connection.
      const other = d.name === 'PGlite' ? db : await openDatabase(url);
      if (other !== db) extraDbs.push(other);
      const retry: RetryPolicy = { retryLimit: 3, retryDelay: 0.2, retryDelayMax: 0.4 };
      await replica({ owner: 'replica-a', retry });
      await replica({ owner: 'replica-b', db: other, retry });
      // Every tenth event is refused once: its retry comes from whichever replica holds the lease when it is due.
      const refusedOnce = new Set<number>();
      acme.answer = (id) => (refusedOnce.has(id) && countOf(acme.ids, id) === 1 ? 503 : 204);
      const sent: number[] = [];
      for (let i = 0; i < 20; i++) {
        const ids = await db.transaction(async (tx) => {
          const ids = await append(Array(5).fill('acme'), new Date(), tx);
          if (i % 2) refusedOnce.add(ids[3]!); // marked before the commit that announces it
          return ids;
        });
        sent.push(...ids);
        if (i % 5 === 4) await new Promise((r) => setTimeout(r, 600)); // idle long enough for the lease to be given up
      }
      await waitFor(() => distinct(acme.ids).length >= sent.length && [...refusedOnce].every((id) => countOf(acme.ids, id) >= 2), 20_000, 'every event');
      await new Promise((r) => setTimeout(r, 500));
      expect(sorted(acme.ids)).toEqual(sorted([...sent, ...refusedOnce]));
    });

    it('parks a failed event and retries it alone: the later events go out before its retry', async () => {
      const retry: RetryPolicy = { retryLimit: 3, retryDelay: 0.3, retryDelayMax: 0.6 };
      await ensureWebhookCursor(db, 'acme');
      const ids = await append(Array(5).fill('acme'));
      const second = ids[1]!;
      acme.answer = (id) => (id === second && countOf(acme.ids, id) <= 2 ? 503 : 204);
      await replica({ retry });
      await waitFor(() => countOf(acme.ids, second) >= 3 && distinct(acme.ids).length >= 5, 10_000, 'the second event delivered on its second retry');
      const firstRetry = acme.ids.indexOf(second, acme.ids.indexOf(second) + 1);
      for (const later of ids.slice(2)) expect(acme.ids.indexOf(later)).toBeLessThan(firstRetry);
      expect(startedFor('acme').slice(0, 5)).toEqual(ids); // first attempts in id order, the retries after them
      expect(lines.filter((l) => l.level === 40 && /will retry/.test(l.msg))).toHaveLength(2);
      await waitFor(async () => (await readWebhookRetries(db, 'acme')).length === 0, 5_000, 'the parked delivery removed');
      await waitFor(async () => (await readWebhookCursor(db, 'acme'))!.deliveredThrough >= BigInt(ids[4]!), 5_000, 'the cursor saved past them');
    });

    it('gives up after the last retry, logs it and counts it once, and sends the later event meanwhile', async () => {
      const metrics = createMetrics();
      const retry: RetryPolicy = { retryLimit: 2, retryDelay: 0.05, retryDelayMax: 0.1 };
      const [refused, next] = await append(['acme', 'acme']);
      acme.answer = (id) => (id === refused ? 503 : 204);
      await replica({ retry, metrics });
      const count = async (outcome: string) =>
        (await metrics.registry.getSingleMetric('ca_ats_webhook_attempts_total')!.get()).values.find((v) => v.labels.outcome === outcome && v.labels.tenant === 'acme')?.value ?? 0;
      await waitFor(async () => (await count('gave_up')) >= 1, 10_000, 'the refused event given up');
      await new Promise((r) => setTimeout(r, 300));
      expect(countOf(acme.ids, refused!)).toBe(3);
      expect(acme.ids.filter((id) => id !== refused)).toEqual([next]);
      expect(acme.ids.indexOf(next!)).toBeLessThan(acme.ids.lastIndexOf(refused!)); // not held behind the refused one's retries
      expect(lines.filter((l) => l.level === 40 && /will retry/.test(l.msg))).toHaveLength(2);
      expect(lines.filter((l) => l.level === 50 && /gave up/.test(l.msg))).toMatchObject([{ tenant: 'acme', event: String(refused) }]);
      expect([await count('failed'), await count('gave_up'), await count('delivered')]).toEqual([2, 1, 1]);
      expect(await readWebhookRetries(db, 'acme')).toEqual([]);
    });

    it('keeps a parked retry, its count and its time in the database, so a restart neither retries early nor starts the count again', async () => {
      const retry: RetryPolicy = { retryLimit: 1, retryDelay: 1.5, retryDelayMax: 1.5 };
      const [refused] = await append(['acme']);
      acme.answer = () => 503;
      const first = await replica({ retry });
      await waitFor(() => acme.ids.length >= 1, 10_000, 'the first attempt');
      await waitFor(() => lines.some((l) => /will retry/.test(l.msg)), 10_000, 'the failure logged');
      await first.stop();
      expect(await readWebhookRetries(db, 'acme')).toMatchObject([{ eventId: String(refused), attempts: 1, lastError: 'ATS webhook answered 503' }]);
      expect((await readWebhookCursor(db, 'acme'))!.deliveredThrough).toBeGreaterThanOrEqual(BigInt(refused!)); // the cursor is past it
      const restarted = Date.now();
      await replica({ retry });
      await waitFor(() => acme.ids.length >= 2, 10_000, 'the retry');
      expect(Date.now() - restarted).toBeGreaterThanOrEqual(800); // waited out the backoff (1.5–3 s after the failure)
      await waitFor(() => lines.some((l) => /gave up/.test(l.msg)), 10_000, 'the give-up');
      expect(acme.ids).toEqual([refused, refused]); // the second attempt was the last of 1 + 1 retry
      await waitFor(async () => (await readWebhookRetries(db, 'acme')).length === 0, 5_000, 'the parked delivery removed');
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
        expect(startedFor('globex')).toEqual([waiting, alsoWaiting]);
        expect(sorted(globex.ids)).toEqual([waiting, alsoWaiting]);
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

    it('drops a parked event pruned from the log before its retry, with a warning', async () => {
      const retry: RetryPolicy = { retryLimit: 3, retryDelay: 0.5, retryDelayMax: 0.5 };
      await ensureWebhookCursor(db, 'acme');
      const [old] = await append(['acme'], new Date(Date.now() - 3600_000));
      acme.answer = () => 503;
      await replica({ retry });
      await waitFor(async () => (await readWebhookRetries(db, 'acme')).length === 1, 10_000, 'the event parked');
      await pruneEvents(db, new Date(Date.now() - 60_000));
      await waitFor(async () => (await readWebhookRetries(db, 'acme')).length === 0, 10_000, 'the parked delivery dropped');
      expect(acme.ids).toEqual([old]);
      expect(lines.filter((l) => /event pruned before its webhook was delivered/.test(l.msg))).toMatchObject([{ level: 40, tenant: 'acme', event: String(old) }]);
    });
  });
}
