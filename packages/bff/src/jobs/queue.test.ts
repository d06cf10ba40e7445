// The job queue without busy polling (docs/benchmarks.md#idle): an idle worker does not ask the database every
// second, yet a job sent is worked at once (NOTIFY, both databases) and a job delayed with `startAfter` or by a retry
// is worked when it comes due (wakeWhenDue), not at the next backstop poll 30 s later.
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { testDatabases } from '../../testing/databases.js';
import { openDatabase, type Database } from '../store/db.js';
import { createBoss, POLLING } from './queue.js';
import type { PgBoss } from 'pg-boss';

const log = pino({ level: 'silent' });

/** Resolves once `check` holds, polling every 20 ms, or fails after `ms`. */
async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  const t = Date.now();
  while (!check()) {
    if (Date.now() - t > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe.each(testDatabases())('job queue on $name', ({ url }) => {
  let db: Database | undefined;
  let boss: PgBoss | undefined;
  afterEach(async () => {
    await boss?.stop({ graceful: false, timeout: 2000 });
    await db?.close();
  });

  async function start(): Promise<{ fetches: () => number }> {
    db = await openDatabase(url());
    let fetches = 0;
    // Counts the fetches pg-boss makes of the queue (its statements pass through the connection's executeSql).
    const executeSql = db.boss.executeSql.bind(db.boss);
    (db.boss as { executeSql: typeof executeSql }).executeSql = (text: string, values?: unknown[]) => {
      if (/WITH\s+next\s+AS/.test(text) && text.includes("'q-test'")) fetches++;
      return executeSql(text, values);
    };
    boss = createBoss(db, log);
    await boss.start();
    await boss.createQueue('q-test', { retryLimit: 1, retryDelay: 1, notify: true });
    return { fetches: () => fetches };
  }

  it('polls an idle queue seldom, and works a sent, a delayed and a retried job without waiting for a poll', async () => {
    const { fetches } = await start();
    const worked: { id: string; at: number }[] = [];
    let failOnce = true;
    await boss!.work<{ n: number }>('q-test', { ...POLLING }, async ([job]) => {
      if (job!.data.n === 3 && failOnce) {
        failOnce = false;
        throw new Error('fails once');
      }
      worked.push({ id: String(job!.data.n), at: Date.now() });
    });
    // Idle: the first fetch, then nothing for 2.5 s (polling every second: three more).
    await until(() => fetches() >= 1, 5000, 'the first fetch');
    const idleFrom = fetches();
    const t0 = Date.now();
    await until(() => Date.now() - t0 >= 2500, 3000, 'an idle moment');
    expect(fetches() - idleFrom).toBeLessThanOrEqual(1);

    const sent = Date.now();
    await boss!.send('q-test', { n: 1 });
    await until(() => worked.some((w) => w.id === '1'), 5000, 'the sent job');
    expect(worked.find((w) => w.id === '1')!.at - sent).toBeLessThan(2000);

    const delayed = Date.now();
    await boss!.send('q-test', { n: 2 }, { startAfter: 2 });
    await until(() => worked.some((w) => w.id === '2'), 15_000, 'the delayed job');
    const took = worked.find((w) => w.id === '2')!.at - delayed;
    expect(took).toBeGreaterThanOrEqual(1500);
    expect(took).toBeLessThan(8000);

    const failing = Date.now();
    await boss!.send('q-test', { n: 3 });
    await until(() => worked.some((w) => w.id === '3'), 15_000, 'the retried job');
    expect(worked.find((w) => w.id === '3')!.at - failing).toBeLessThan(8000);
  }, 60_000);
});
