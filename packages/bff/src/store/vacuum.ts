// The embedded database's vacuum. PGlite runs PostgreSQL single-user: `autovacuum` reads `on` but no autovacuum
// process exists, so without this an embedded install never reclaims the dead row versions every status update
// leaves, nor refreshes the planner's statistics (docs/operations.md#scaling). PostgreSQL vacuums itself.
import type { Database } from './db.js';

/** A table's counters, as `pg_stat_user_tables` has them. */
export interface TableActivity {
  name: string;
  live: number;
  dead: number;
  modifiedSinceAnalyze: number;
}

/**
 * What PostgreSQL's autovacuum would do with a table at its default settings: vacuum once dead rows pass
 * 50 + 20 % of the live ones (`autovacuum_vacuum_threshold`, `autovacuum_vacuum_scale_factor`), analyse once rows
 * changed since the last analysis pass 50 + 10 % (`autovacuum_analyze_threshold`, `autovacuum_analyze_scale_factor`).
 */
export function vacuumDue(t: TableActivity): 'vacuum' | 'analyze' | undefined {
  if (t.dead > 50 + 0.2 * t.live) return 'vacuum';
  if (t.modifiedSinceAnalyze > 50 + 0.1 * t.live) return 'analyze';
  return undefined;
}

/**
 * On PGlite, vacuums and analyses the tables (ours and the job queue's) that autovacuum would have; returns their
 * names. Each runs between transactions and holds the one connection while it works, so it goes table by table.
 */
export async function vacuumWhereDue(db: Database): Promise<string[]> {
  if (db.kind !== 'pglite') return [];
  // A backend reports its counters at most once a second unless asked; ask, so the view below is current.
  await db.query(`SELECT pg_stat_force_next_flush()`);
  const tables = await db.query<TableActivity>(
    `SELECT format('%I.%I', schemaname, relname) AS name, n_live_tup::float8 AS live, n_dead_tup::float8 AS dead,
            n_mod_since_analyze::float8 AS "modifiedSinceAnalyze"
       FROM pg_stat_user_tables ORDER BY n_dead_tup DESC`,
  );
  const done: string[] = [];
  for (const t of tables) {
    const due = vacuumDue(t);
    if (!due) continue;
    await db.exec(due === 'vacuum' ? `VACUUM (ANALYZE) ${t.name}` : `ANALYZE ${t.name}`);
    done.push(t.name);
  }
  return done;
}
