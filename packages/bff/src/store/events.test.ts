import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderSnapshot } from '../../testing/snapshots.js';
import { testDatabases } from '../../testing/databases.js';
import { openDatabase, type Database } from './db.js';
import { appendEvent, eventsAfter, lastEventId, pruneEvents, prunedThrough } from './events.js';
import { migrate } from './migrations.js';

const order = (candidateId: string, n: number) => orderSnapshot({ id: `o_${n}`, candidateId, packageId: 'p' });

for (const d of testDatabases()) {
  describe(`event log on ${d.name}`, () => {
    let db: Database;
    beforeAll(async () => {
      db = await openDatabase(d.url());
      await migrate(db);
      for (let i = 1; i <= 105; i++) {
        await db.transaction((tx) => appendEvent(tx, i % 2 ? 'order.created' : 'order.updated', order(i % 3 ? 'x' : 'y', i), new Date(Date.UTC(2026, 0, 1, 0, 0, i))));
      }
    });
    afterAll(() => db?.close());

    it('reads events in numeric id order across 9→10 and 99→100, not as text', async () => {
      const all = await eventsAfter(db, 0n, 500);
      expect(all.map((e) => Number(e.id))).toEqual(Array.from({ length: 105 }, (_, i) => i + 1));
      const page = await eventsAfter(db, 8n, 4);
      expect(page.map((e) => e.id)).toEqual(['9', '10', '11', '12']);
      const forY = await eventsAfter(db, 95n, 10, { tenantId: 'acme', candidateId: 'y' });
      expect(forY.map((e) => e.id)).toEqual(['96', '99', '102', '105']);
      expect(await lastEventId(db)).toBe(105n);
    });

    it('remembers the highest pruned id', async () => {
      await pruneEvents(db, new Date(Date.UTC(2026, 0, 1, 0, 0, 50)));
      expect(await prunedThrough(db)).toBe(49n);
      expect((await eventsAfter(db, 0n, 1))[0]!.id).toBe('50');
    });
  });
}
