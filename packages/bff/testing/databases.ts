// The databases a store-level suite runs on: PGlite, and PostgreSQL too when TEST_DATABASE_URL is set (.ci/run sets
// it). `pnpm test:pg` (scripts/test-pg.mjs) runs the PostgreSQL half alone (CA_TEST_DATABASES=postgres): `pnpm test`
// ran the PGlite half. Each PostgreSQL use gets its own schema so suites never see each other's rows.
import { randomBytes } from 'node:crypto';

export function testDatabases(): { name: string; url: () => string }[] {
  const pg = process.env.TEST_DATABASE_URL;
  const pgliteToo = !(pg && process.env.CA_TEST_DATABASES === 'postgres');
  return [
    ...(pgliteToo ? [{ name: 'PGlite', url: () => 'memory:' }] : []),
    ...(pg ? [{ name: 'PostgreSQL', url: () => withSchema(pg, `t_${randomBytes(6).toString('hex')}`) }] : []),
  ];
}

export function withSchema(url: string, schema: string): string {
  const u = new URL(url);
  u.searchParams.set('schema', schema);
  return u.toString();
}
