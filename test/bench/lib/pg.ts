// The PostgreSQL the benches use: BENCH_DATABASE_URL (default the local test database), one schema per
// bench, dropped before each run so runs never see each other's rows or the test suites'.
import pg from 'pg';

export const BENCH_DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** The URL for `schema` after dropping it (and pg-boss's `<schema>_jobs`), or null when PostgreSQL is unreachable. */
export async function freshSchema(schema: string): Promise<string | null> {
  const c = new pg.Client({ connectionString: BENCH_DATABASE_URL, connectionTimeoutMillis: 3000 });
  try {
    await c.connect();
  } catch {
    return null;
  }
  try {
    await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE; DROP SCHEMA IF EXISTS ${schema}_jobs CASCADE`);
    const [row] = (await c.query<{ v: string; sc: string }>(`SELECT current_setting('server_version') AS v, current_setting('synchronous_commit') AS sc`)).rows;
    pgInfo = { version: row!.v, synchronousCommit: row!.sc };
  } finally {
    await c.end();
  }
  const u = new URL(BENCH_DATABASE_URL);
  u.searchParams.set('schema', schema);
  return u.toString();
}

export let pgInfo: { version: string; synchronousCommit: string } | undefined;

export async function dropSchema(schema: string): Promise<void> {
  const c = new pg.Client({ connectionString: BENCH_DATABASE_URL });
  await c.connect();
  try {
    await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE; DROP SCHEMA IF EXISTS ${schema}_jobs CASCADE`);
  } finally {
    await c.end();
  }
}
