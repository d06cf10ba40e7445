// Idle cost, server side (a child process): the real BFF started on a database and left alone, a bare PGlite opened
// on a data directory (the embedded database's own floor), or a plain node:http server (the idle CPU floor).
import { startTestBff, type TestBff } from '@ca/bff/testing';
import { readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, serve } from '../lib/child.js';
import { sqlReport, traceSql } from '../lib/sql-trace.js';

let t: TestBff | undefined;
let bare: { close(): Promise<void> } | undefined;
let http: Server | undefined;

/** This process's threads (Linux; none elsewhere). */
const tids = () => {
  try {
    return readdirSync('/proc/self/task');
  } catch {
    return [];
  }
};

/** Statements the BFF sent (its own and pg-boss's), by their first words, since the last `statements` call. */
let statements = new Map<string, number>();
function countStatements(db: { query: (...a: never[]) => Promise<unknown>; boss: { executeSql: (...a: never[]) => Promise<unknown> } }) {
  const count = (text: unknown) => {
    const key = String(text).replace(/\s+/g, ' ').trim().slice(0, 70);
    statements.set(key, (statements.get(key) ?? 0) + 1);
  };
  const query = db.query.bind(db);
  db.query = ((text: string, ...rest: never[]) => (count(text), query(text as never, ...rest))) as typeof db.query;
  const executeSql = db.boss.executeSql.bind(db.boss);
  db.boss.executeSql = ((text: string, ...rest: never[]) => (count(text), executeSql(text as never, ...rest))) as typeof db.boss.executeSql;
}

serve({
  /**
   * The BFF on `database` (`embedded:<dir>` or a PostgreSQL URL), with the vendor the other benches use. Answers the
   * threads its start made (the embedded database's thread, libuv's pool): the bench splits the idle CPU by thread.
   */
  async bff({ database }: { database: string }) {
    const before = new Set(tids());
    t = await startTestBff({
      database,
      vendors: { psi: { clients: [{ clientId: 'psi-bench', clientSecret: 'psi-bench-client-secret-0123456789' }], schedulingUrl: 'https://psi.example/schedule?e={eligibilityId}' } },
      packages: [{ id: 'psi-cert', vendor: 'psi' as const, name: 'Certification exam', examCode: 'CERT-1' }],
    });
    t.bff.log.level = 'warn';
    if (process.env.BENCH_SQL_TRACE) traceSql(t.bff.db as never);
    countStatements(t.bff.db as never);
    return { url: t.url, threads: tids().filter((x) => !before.has(x)), statements: true };
  },

  /** PGlite opened on `dataDir` in this process's main thread, as an application embedding it would, nothing else. */
  async bare({ dataDir }: { dataDir: string }) {
    // The BFF's own PGlite (the bench's root package does not depend on it).
    const entry = createRequire(join(ROOT, 'packages/bff/package.json')).resolve('@electric-sql/pglite');
    const { PGlite } = (await import(pathToFileURL(entry).href)) as { PGlite: { create(o: object): Promise<{ query(s: string): Promise<unknown>; close(): Promise<void> }> } };
    const db = await PGlite.create({ dataDir });
    await db.query('SELECT 1');
    bare = db;
    return true;
  },

  async http() {
    http = createServer((_req, res) => res.end('ok'));
    await new Promise<void>((r) => http!.listen(0, '127.0.0.1', r));
    return { threads: [], statements: false };
  },

  /** The statements counted since the last call, most frequent first. */
  statements() {
    const out = [...statements].map(([sql, n]) => ({ sql, n })).sort((a, b) => b.n - a.n);
    statements = new Map();
    return out;
  },

  sqlReport: () => sqlReport(),

  async stop() {
    await t?.stop();
    await bare?.close();
    http?.close();
    return true;
  },
});
