// One small database interface over PGlite (embedded, one connection) and PostgreSQL (pool).
// Callers use named store functions; only store/ writes SQL. pg-boss gets the same connection.
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createHash } from 'node:crypto';
import pg from 'pg';
import type { EventLoopUtilization } from 'node:perf_hooks';
import type { Db as BossDb } from 'pg-boss';
import { fromPglite } from 'pg-boss';
import { PgliteThread, type PgliteLike, type TracedMessage } from './pglite-thread.js';

export interface Sql {
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  /** Multi-statement SQL without parameters (migrations). */
  exec(text: string): Promise<void>;
  /** pg-boss's view of this connection or transaction, for enqueuing jobs atomically. */
  readonly boss: BossDb;
}

/** A transaction's connection. */
export interface Tx extends Sql {
  /**
   * Runs the transaction's last statement and commits: on PGlite's thread in the same round trip (a transaction
   * there costs a round trip between threads per statement, and COMMIT was one more). The transaction is over once
   * it is sent: nothing may follow it, and a throw after it no longer rolls back.
   */
  queryAndCommit<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
}

export interface Database extends Sql {
  readonly kind: 'pglite' | 'postgres';
  /** Schema for pg-boss's tables. */
  readonly jobSchema: string;
  /** Runs `fn` in one transaction; inside, use only `tx` (PGlite: anything else waits forever on the lock). */
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /** Subscribes to a lower-case NOTIFY channel; `onReconnect` fires after a lost listener connection is back. */
  listen(channel: string, onNotify: (payload: string) => void, onReconnect?: () => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
  /** PGlite: how busy the database's own thread has been (since `since`, when given). For diagnosis. */
  threadUtilization?(since?: EventLoopUtilization): EventLoopUtilization;
  /** PGlite: traces every message to the database's thread and back while `on`; resolves to those traced since the last call. For diagnosis. */
  threadTrace?(on: boolean): Promise<TracedMessage[]>;
}

/** Opens the database named in config: `memory:`, `embedded:<dir>` or a `postgres://` URL. */
export async function openDatabase(url: string, opts: { onError?: (err: Error) => void } = {}): Promise<Database> {
  if (url === 'memory:') return openPglite(undefined, opts.onError);
  if (url.startsWith('embedded:')) return openPglite(resolve(url.slice('embedded:'.length)), opts.onError);
  if (/^postgres(ql)?:\/\//.test(url)) return openPostgres(url, opts.onError);
  throw new Error(`unsupported database URL: ${url.split(':')[0]}:`);
}

// --- PGlite -------------------------------------------------------------------------------------

/** Refuses to open a data directory another live process holds: PGlite takes no lock of its own (docs/architecture.md#pglite-wrinkles). */
function acquireLock(dir: string): () => void {
  mkdirSync(dirname(dir), { recursive: true });
  const lock = `${dir}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lock, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(lock, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number(readFileSync(lock, 'utf8').trim());
      if (pid && pid !== process.pid && isAlive(pid)) {
        throw new Error(`database directory ${dir} is in use by process ${pid} (lock file ${lock})`);
      }
      rmSync(lock, { force: true }); // stale: its process is gone
    }
  }
  throw new Error(`cannot lock database directory ${dir}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * `CA_PGLITE_TEMPLATE_DIR`: a directory where a copy of a freshly initialised embedded database is kept, so a new
 * database (`memory:`, or `embedded:` in a directory still empty) is loaded from it (1–2 s) instead of initialised by
 * PGlite (3.5–6 s on a 2-core machine). The test configuration sets it: its suites start dozens of BFFs. Unset, each
 * new database is initialised.
 */
async function openPglite(dir: string | undefined, onError?: (err: Error) => void): Promise<Database> {
  const release = dir ? acquireLock(dir) : () => {};
  let pglite: PgliteThread;
  try {
    if (dir && !existsSync(dir)) mkdirSync(dir, { recursive: true });
    pglite = await PgliteThread.open(dir, onError, process.env.CA_PGLITE_TEMPLATE_DIR || undefined);
  } catch (err) {
    release();
    throw err;
  }
  const wrap = (q: PgliteLike, boss: BossDb): Sql => ({
    async query<T>(text: string, params?: unknown[]) {
      const r = await q.query<T>(text, params);
      return r.rows;
    },
    async exec(text: string) {
      await q.exec(text);
    },
    boss,
  });
  const root = wrap(pglite, fromPglite(pglite));
  return {
    kind: 'pglite',
    jobSchema: 'pgboss',
    ...root,
    transaction: (fn) =>
      pglite.transaction((tx) =>
        fn({
          ...wrap(tx, fromPglite(tx)),
          async queryAndCommit<T>(text: string, params?: unknown[]) {
            return (await tx.queryAndCommit<T>(text, params)).rows;
          },
        }),
      ),
    listen: (channel, onNotify) => pglite.listen(channel, onNotify),
    threadUtilization: (since) => pglite.utilization(since),
    threadTrace: (on) => pglite.trace(on),
    close: async () => {
      try {
        await pglite.close();
      } finally {
        release();
      }
    },
  };
}

// --- PostgreSQL ---------------------------------------------------------------------------------

const POOL_SIZE = 10;

/**
 * A connection's prepared form of a statement whose result columns a schema change altered (a migration run by a
 * newer replica): PostgreSQL refuses it on that connection from then on ("cached plan must not change result type").
 */
const stalePlan = (err: unknown) => (err as { code?: string }).code === '0A000' && /cached plan/.test(String((err as Error).message));

const statementNames = new Map<string, string>();
/**
 * A parameterised statement as a named prepared statement: node-postgres parses it once per connection and then
 * only binds and executes it (PostgreSQL keeps its plan, generic once that costs no more than planning each time).
 * Statement texts are this code's own, so the names are bounded; a text that was never seen gets a new one.
 */
function prepared(text: string, values: unknown[] | undefined): pg.QueryConfig {
  if (!values?.length) return { text };
  let name = statementNames.get(text);
  if (!name) {
    name = `ca_${createHash('sha1').update(text).digest('base64url').slice(0, 20)}`;
    if (statementNames.size < 1000) statementNames.set(text, name);
  }
  return { name, text, values };
}

/** Where a `postgres://` URL points, and the connection options its `?schema=` asks for. */
interface PostgresTarget {
  /** The URL without `schema`, as the driver takes it. */
  url: string;
  schema: string | null;
  /** `-c search_path=…` when a schema is named. */
  options: string | undefined;
}

/**
 * `?schema=NAME` in the URL puts our tables in that schema and pg-boss's in `NAME_jobs` (tests use it to
 * keep runs apart on one database); it is removed before the URL reaches the driver.
 */
function postgresTarget(rawUrl: string): PostgresTarget {
  const parsed = new URL(rawUrl);
  const schema = parsed.searchParams.get('schema');
  parsed.searchParams.delete('schema');
  if (schema !== null && !/^[a-z_][a-z0-9_]{0,40}$/.test(schema)) throw new Error('schema must be lower-case letters, digits and _');
  return { url: parsed.toString(), schema, options: schema ? `-c search_path=${schema}` : undefined };
}

const bossOf = (q: pg.Pool | pg.PoolClient): BossDb => ({
  executeSql: (text: string, values?: unknown[]) => q.query(text, values),
});

/** PostgreSQL through a pool; each transaction and each LISTEN holds a connection of its own. */
async function openPostgres(rawUrl: string, onError?: (err: Error) => void): Promise<Database> {
  const target = postgresTarget(rawUrl);
  const { url, schema, options } = target;
  // Pipelined: a statement queued while an earlier one is unanswered goes out at once (see poolTransaction).
  const pool = new pg.Pool({ connectionString: url, max: POOL_SIZE, pipeline: true, application_name: 'candidate-assessment', ...(options ? { options } : {}) } as pg.PoolConfig);
  pool.on('error', (err) => onError?.(err));
  const client = await pool.connect(); // fail fast when unreachable
  try {
    if (schema) await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  } finally {
    client.release();
  }
  const listeners = new Set<() => Promise<void>>();
  const listen: Database['listen'] = async (channel, onNotify, onReconnect) => {
    const stop = await listenOn(target, channel, { onNotify, onReconnect, onError }, () => listeners.delete(stop));
    listeners.add(stop);
    return stop;
  };
  return {
    kind: 'postgres',
    jobSchema: schema ? `${schema}_jobs` : 'pgboss',
    query<T>(text: string, params?: unknown[]) {
      return poolQuery<T>(pool, text, params);
    },
    // With `listen`, pg-boss's workers are woken by the NOTIFY of a job sent and poll only as a backstop
    // (jobs/queue.ts POLLING); without it each polled every second, on every replica.
    boss: {
      ...bossOf(pool),
      async listen(channel, onNotification, onReconnect) {
        const stop = await listen(channel, onNotification, onReconnect);
        return { close: stop };
      },
    },
    transaction: (fn) => poolTransaction(pool, fn, onError),
    async exec(text) {
      await pool.query(text);
    },
    listen,
    async close() {
      await Promise.all([...listeners].map((s) => s()));
      await pool.end();
    },
  };
}

/**
 * One statement on a pooled connection. As pool.query does, a client that failed a statement is not reused; while a
 * connection's prepared form of the statement is stale (see stalePlan) it runs once more on another connection, and
 * each such connection is dropped.
 */
async function poolQuery<T>(pool: pg.Pool, text: string, params?: unknown[]): Promise<T[]> {
  for (let attempt = 0; ; attempt++) {
    const c = await pool.connect();
    // A checked-out client has no listener of the pool's. A connection lost while the query runs (a database restart)
    // rejects the query, then emits 'error' when its socket ends, which can come before the release below: with
    // nobody listening, that would end the process. So it is listened to until the client is handed back.
    let lost: Error | undefined;
    const onLost = (err: Error) => {
      lost = err;
    };
    c.on('error', onLost);
    try {
      const r = await c.query(prepared(text, params));
      c.release(lost);
      return r.rows as T[];
    } catch (err) {
      c.release(err as Error);
      if (!stalePlan(err) || attempt >= POOL_SIZE) throw err;
    } finally {
      c.off('error', onLost);
    }
  }
}

/** Runs `fn` in one transaction on a connection of its own, committed when `fn` resolves, rolled back when it throws. */
async function poolTransaction<T>(pool: pg.Pool, fn: (tx: Tx) => Promise<T>, onError?: (err: Error) => void): Promise<T> {
  const c = await pool.connect();
  // A checked-out client has no listener of the pool's: a connection lost between two statements (a database
  // restart) would emit 'error' with nobody listening and end the process. The next statement fails instead.
  let lost: Error | undefined;
  const onLost = (err: Error) => {
    lost = err;
    onError?.(err);
  };
  c.on('error', onLost);
  // BEGIN is not waited for: on a pipelined connection it travels with the transaction's first statement.
  const begun = c.query('BEGIN');
  begun.catch(() => {}); // its failure is the first statement's (clientTx)
  const tx = clientTx(c, begun);
  try {
    const out = await fn(tx);
    if (!tx.state.committed) await Promise.all([begun, c.query('COMMIT')]);
    return out;
  } catch (err) {
    if (!lost && !tx.state.committed) await c.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    // Released first: once handed back (ended, if lost), a late socket end emits nothing.
    c.release(lost ?? tx.state.stale);
    c.off('error', onLost);
  }
}

/**
 * A transaction's statements on client `c` (after `begun`, its BEGIN), and what they learnt: committed (by
 * queryAndCommit), stale plan met. The connection is pipelined: a statement is sent without waiting for the answers
 * before it, so BEGIN goes with the first statement and COMMIT with the last (queryAndCommit), two round trips fewer
 * per transaction. Each still has its own answer, read in order; a statement that fails aborts the transaction, and
 * a COMMIT sent behind it then rolls back.
 */
function clientTx(c: pg.PoolClient, begun: Promise<unknown>): Tx & { state: { committed: boolean; stale: Error | undefined } } {
  /** `committed` is set once COMMIT is sent by `queryAndCommit`: the transaction is over then, whatever COMMIT answers. */
  const state = { committed: false, stale: undefined as Error | undefined };
  /** Runs `text`, and `then` (sent behind it, unanswered yet) with it; BEGIN's failure is the first one's. */
  const run = async (text: string, params: unknown[] | undefined, then?: string) => {
    const sent = c.query(prepared(text, params));
    const after = then === undefined ? undefined : c.query(then);
    try {
      const [, r] = await Promise.all([begun, sent, after]);
      return r.rows;
    } catch (err) {
      // This transaction fails; the connection is not reused after a stale plan, nor after a statement the driver
      // refused to send (it may have parsed the statement, closed it again and still count it as prepared).
      if (stalePlan(err) || !(err instanceof pg.DatabaseError)) state.stale = err as Error;
      throw err;
    }
  };
  const tx: Tx & { state: typeof state } = {
    state,
    async query<T>(text: string, params?: unknown[]) {
      if (state.committed) throw new Error('Transaction is closed');
      return (await run(text, params)) as T[];
    },
    async exec(text: string) {
      if (state.committed) throw new Error('Transaction is closed');
      await Promise.all([begun, c.query(text)]);
    },
    async queryAndCommit<T>(text: string, params?: unknown[]) {
      if (state.committed) throw new Error('Transaction is closed');
      if (!(params ?? []).every(plainValue)) {
        const rows = await tx.query<T>(text, params);
        state.committed = true;
        await c.query('COMMIT');
        return rows;
      }
      state.committed = true;
      // Answered once COMMIT is: when the statement failed, that COMMIT ended the transaction as a rollback.
      return (await run(text, params, 'COMMIT')) as T[];
    },
    boss: bossOf(c),
  };
  return tx;
}

/**
 * A parameter the driver cannot fail to encode. A COMMIT is sent behind a statement only when the statement surely
 * reaches the server: one the driver refused before sending (a value it cannot encode) would leave that COMMIT to
 * commit the transaction without it.
 */
const plainValue = (v: unknown) => v === null || v === undefined || v instanceof Date || ['string', 'number', 'boolean'].includes(typeof v);

/**
 * Subscribes to `channel` on a connection of its own (LISTEN needs one that stays), reconnecting with backoff when
 * it is lost; `onReconnect` fires once a lost listener is back. Resolves to the function that stops it.
 */
async function listenOn(
  target: PostgresTarget,
  channel: string,
  on: { onNotify: (payload: string) => void; onReconnect?: (() => void) | undefined; onError?: ((err: Error) => void) | undefined },
  onStop: () => void,
): Promise<() => Promise<void>> {
  if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`channel must be lower-case: ${channel}`);
  let closed = false;
  let conn: pg.Client | undefined;
  let delay = 100;
  const connect = async (): Promise<void> => {
    while (!closed) {
      const c = new pg.Client({ connectionString: target.url, application_name: 'candidate-assessment-listen', ...(target.options ? { options: target.options } : {}) });
      try {
        await c.connect();
        c.on('notification', (n) => {
          if (n.channel === channel) on.onNotify(n.payload ?? '');
        });
        c.on('error', (err) => {
          on.onError?.(err);
          if (conn === c) {
            conn = undefined;
            c.end().catch(() => {});
            if (!closed) void connect().then(() => on.onReconnect?.());
          }
        });
        await c.query(`LISTEN ${channel}`);
        conn = c;
        delay = 100;
        return;
      } catch (err) {
        on.onError?.(err as Error);
        await c.end().catch(() => {});
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 2, 5000);
      }
    }
  };
  await connect();
  return async () => {
    closed = true;
    onStop();
    await conn?.end().catch(() => {});
  };
}
