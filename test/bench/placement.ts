// Placement throughput: N orders accepted through the order service, then placed by the durable placement queue;
// orders per second from the first acceptance until the last is placed, on PGlite and PostgreSQL. No floor: the
// queue's own fetch and completion statements are the cost being measured.
import { startChild } from './lib/child.js';
import { dropSchema, freshSchema } from './lib/pg.js';

export interface PlacementRow {
  database: 'PGlite' | 'PostgreSQL';
  orders: number;
  accepted_per_s: number;
  placed_per_s: number;
  seconds_to_last_placed: number;
}

async function onDatabase(name: PlacementRow['database'], database: string, n: number): Promise<PlacementRow> {
  const server = await startChild('placement/server.ts');
  try {
    await server.call('start', { database }, 180_000);
    const r = await server.call<{ acceptSeconds: number; placedSeconds: number }>('run', { n }, 300_000);
    console.error(`  placement ${name}: ${n} orders accepted in ${r.acceptSeconds.toFixed(1)} s, all placed after ${r.placedSeconds.toFixed(1)} s`);
    return {
      database: name,
      orders: n,
      accepted_per_s: Math.round(n / r.acceptSeconds),
      placed_per_s: Math.round(n / r.placedSeconds),
      seconds_to_last_placed: +r.placedSeconds.toFixed(1),
    };
  } finally {
    await server.stop();
  }
}

export async function placementThroughput(o: { orders: number; postgres: boolean }): Promise<{ rows: PlacementRow[]; skipped?: string }> {
  const rows = [await onDatabase('PGlite', 'embedded', o.orders)];
  if (!o.postgres) return { rows, skipped: 'PostgreSQL not asked for' };
  const url = await freshSchema('bench_place');
  if (!url) return { rows, skipped: 'PostgreSQL unreachable (BENCH_DATABASE_URL)' };
  try {
    rows.push(await onDatabase('PostgreSQL', url, o.orders));
  } finally {
    await dropSchema('bench_place');
  }
  return { rows };
}
