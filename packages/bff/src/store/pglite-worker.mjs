// The embedded database's own thread (store/pglite-thread.ts starts it). PGlite is PostgreSQL compiled to
// WebAssembly: every statement runs synchronously on the thread that calls it, so on the BFF's main thread
// each one held up HTTP, SSE and timers for its whole length. Here it runs beside them, on a core of its own.
// Plain JavaScript on purpose: a worker is started by Node itself, without the TypeScript loader of its parent.
//
// Messages in: { id, op, ... } with op open (dataDir?, templateDir?: see pglite-template.mjs) | query | exec | begin |
// end | listen | unlisten | close | trace (on: diagnosis, see `traced`); a query of a transaction may carry
// `commit: true` (its last statement: COMMIT follows at once).
// Messages out: { id, ok: true, result } | { id, ok: false, error } and { op: 'notify', channel, payload }.
import { PGlite, protocol, types } from '@electric-sql/pglite';
import { parentPort } from 'node:worker_threads';
import { createPglite } from './pglite-template.mjs';

const { serialize } = protocol;

/** @type {PGlite | undefined} */
let pg;
/** Open transactions: statements addressed to one wait in its inbox until its callback takes them. */
const txs = new Map();
const unlisten = new Map();
/** A notification on a channel listened to (by PGlite's listener, or read from a statement's answer by `rowsOf`). */
const notified = (channel, payload) => {
  if (unlisten.has(channel)) port.postMessage({ op: 'notify', channel, payload });
};
let nextTx = 1;

const port = /** @type {import('node:worker_threads').MessagePort} */ (parentPort);

/**
 * Diagnosis only (the `trace` message; test/bench/lib/tx-trace.ts): for each message, when it arrived, when its
 * work started (a transaction's first statement waits for PGlite's lock) and when its answer was posted, in
 * milliseconds since the epoch (the main thread stamps its side on the same clock). Off, it costs one test per message.
 * @type {Map<number, { id: number, op: string, tx?: number, commit?: boolean, arrived: number, started?: number, answered?: number }> | null}
 */
let traced = null;
const clock = () => performance.timeOrigin + performance.now();
const started = (id) => {
  const t = traced?.get(id);
  if (t && t.started === undefined) t.started = clock();
};
/** Every answer goes out here (stamped first: this thread can be descheduled before the next line, and the answer read). */
const post = (m) => {
  const t = m.id !== undefined ? traced?.get(m.id) : undefined;
  if (t) t.answered = clock();
  port.postMessage(m);
};
const reply = (id, result) => post({ id, ok: true, result });
const fail = (id, err) => post({ id, ok: false, error: errorFields(err) });

/** What crosses the thread boundary of an error: PostgreSQL's fields, never the statement's parameters. */
function errorFields(err) {
  const e = /** @type {Record<string, unknown>} */ (err ?? {});
  const out = { name: String(e.name ?? 'Error'), message: String(e.message ?? err) };
  for (const k of ['code', 'severity', 'detail', 'hint', 'position', 'where', 'schema', 'table', 'column', 'dataType', 'constraint', 'routine']) {
    if (typeof e[k] === 'string') out[k] = e[k];
  }
  return out;
}

/** A result as the caller reads it: its rows. */
const result = (r) => ({ rows: r.rows });

// Named prepared statements. PGlite's query() parses, analyses and plans its statement afresh each time, in six
// calls into the database (parse, describe, bind, describe, execute, sync); the group commit's two statements
// spent more time there than executing. Each distinct statement text is prepared once (its parameter and column
// types kept) and then runs as bind + execute + sync in one call. PostgreSQL keeps the plan (a generic one once
// it costs no more than planning each time) and re-plans by itself after schema changes.
const MAX_PREPARED = 256;
const prepared = new Map();
let nextStatement = 1;

function concat(parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

async function statementFor(text) {
  const known = prepared.get(text);
  if (known) {
    prepared.delete(text); // most recently used last
    prepared.set(text, known);
    return known;
  }
  const name = `ca_s${nextStatement++}`;
  const { messages } = await pg.execProtocol(concat([serialize.parse({ name, text, types: [] }), serialize.describe({ type: 'S', name }), serialize.sync()]), { syncToFs: false });
  const params = messages.find((m) => m.name === 'parameterDescription')?.dataTypeIDs ?? [];
  const fields = messages.find((m) => m.name === 'rowDescription')?.fields.map((f) => ({ name: f.name, type: f.dataTypeID })) ?? [];
  const s = { name, params: params.map((oid) => pg.serializers[oid]), fields };
  prepared.set(text, s);
  if (prepared.size > MAX_PREPARED) {
    const [oldText, old] = prepared.entries().next().value;
    prepared.delete(oldText);
    await pg.execProtocol(concat([serialize.close({ type: 'S', name: old.name }), serialize.sync()]), { syncToFs: false });
  }
  return s;
}

/** A prepared statement whose result columns a schema change altered: PostgreSQL refuses to run its plan again. */
const stalePlan = (err) => err?.code === '0A000' && /cached plan/.test(String(err.message));

/**
 * One parameterised statement through its prepared form; the result as PGlite's query() gives it. `around.before` and
 * `around.after` are simple-query messages sent in the same call (a transaction's BEGIN, its COMMIT); `around.sent()`
 * is called once they are on their way.
 */
async function run(text, values = [], around = undefined) {
  const s = await statementFor(text);
  if (values.length !== s.params.length) throw new Error(`bind message supplies ${values.length} parameters, but the statement requires ${s.params.length}`);
  const bound = values.map((v, i) => (v === null || v === undefined ? null : s.params[i] ? s.params[i](v) : v.toString()));
  const message = bound.every((v) => v === null || typeof v === 'string') ? textMessages(s.name, bound, around) : serializedMessages(s.name, bound, around);
  const chunks = [];
  around?.sent();
  await pg.execProtocolRawStream(message, { syncToFs: false, onRawData: (data) => chunks.push(data.slice()) });
  try {
    return { rows: rowsOf(chunks, s.fields) };
  } catch (err) {
    if (stalePlan(err)) prepared.delete(text); // prepared again next time
    throw err;
  }
}

/**
 * The rows of a statement's answer, read from the protocol's bytes: data rows decoded by Node's native UTF-8 decoder,
 * the first error thrown once the answer is read (as PGlite's execProtocol does), notifications handed to the thread's
 * listeners. PGlite's own parser turns every message into an object, each field through a JavaScript decoder, while the
 * statement runs: 6% of the database thread's CPU at four notifications a transaction (profile of the group commit's
 * statements on an in-thread PGlite), this 2% with the rows' values parsed.
 */
function rowsOf(chunks, fields) {
  const data = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
  const buf = Buffer.from(data.buffer, data.byteOffset, data.length);
  const rows = [];
  let error;
  for (let at = 0; at < buf.length && !error; at += 1 + buf.readInt32BE(at + 1)) {
    const type = buf[at];
    let p = at + 5;
    if (type === 0x44) {
      // DataRow: a count, then each value's length (-1: null) and bytes.
      const n = buf.readInt16BE(p);
      p += 2;
      const values = new Array(n);
      for (let i = 0; i < n; i++) {
        const len = buf.readInt32BE(p);
        p += 4;
        values[i] = len < 0 ? null : buf.toString('utf8', p, p + len);
        p += Math.max(len, 0);
      }
      rows.push(rowOf(fields, values));
    } else if (type === 0x45) {
      // ErrorResponse: one-letter field codes, each followed by its text.
      const f = {};
      while (buf[p] !== 0) {
        const end = buf.indexOf(0, p + 1);
        f[String.fromCharCode(buf[p])] = buf.toString('utf8', p + 1, end);
        p = end + 1;
      }
      const fields = { severity: f.S, code: f.C, detail: f.D, hint: f.H, position: f.P, where: f.W, schema: f.s, table: f.t, column: f.c, dataType: f.d, constraint: f.n, routine: f.R };
      error = Object.assign(new Error(f.M), { name: 'error' }, fields);
    } else if (type === 0x41) {
      // NotificationResponse: the sender's process id, the channel, the payload.
      const end = buf.indexOf(0, p + 4);
      const channel = buf.toString('utf8', p + 4, end);
      notified(channel, buf.toString('utf8', end + 1, buf.indexOf(0, end + 1)));
    }
  }
  if (error) throw error;
  return rows;
}

/** Execute (the unnamed portal, every row) and Sync, as the protocol spells them. */
const EXECUTE_SYNC = Uint8Array.from([0x45, 0, 0, 0, 9, 0, 0, 0, 0, 0, 0x53, 0, 0, 0, 4]);

/**
 * [Query(before)] Bind Execute Sync [Query(after)] for a statement whose parameters are all text (or null), written
 * straight into one buffer with Node's native UTF-8 encoder. PGlite's serializer counts each string's UTF-8 length
 * in a JavaScript loop over its characters, twice, then copies its pieces together once more: with a batch's JSON
 * parameters (kilobytes per notification) that was 6% of the database thread's CPU at four notifications a
 * transaction, this 1% (profile of the group commit's statements on an in-thread PGlite).
 */
function textMessages(statement, values, around) {
  const query = (q) => (q ? 1 + 4 + Buffer.byteLength(q) + 1 : 0);
  const lengths = values.map((v) => (v === null ? -1 : Buffer.byteLength(v)));
  let bind = 4 + 1 + Buffer.byteLength(statement) + 1 + 2 + 2 + 2;
  for (const n of lengths) bind += 4 + Math.max(n, 0);
  const out = Buffer.alloc(query(around?.before) + 1 + bind + EXECUTE_SYNC.length + query(around?.after));
  let at = 0;
  const writeQuery = (q) => {
    if (!q) return;
    out[at++] = 0x51; // Query
    at = out.writeInt32BE(query(q) - 1, at);
    at += out.write(q, at, 'utf8');
    out[at++] = 0;
  };
  writeQuery(around?.before);
  out[at++] = 0x42; // Bind
  at = out.writeInt32BE(bind, at);
  out[at++] = 0; // the unnamed portal
  at += out.write(statement, at, 'utf8');
  out[at++] = 0;
  at = out.writeInt16BE(0, at); // no format codes: every parameter is text
  at = out.writeInt16BE(values.length, at);
  values.forEach((v, i) => {
    at = out.writeInt32BE(lengths[i], at);
    if (v !== null) at += out.write(v, at, 'utf8');
  });
  at = out.writeInt16BE(0, at); // every result column as text
  out.set(EXECUTE_SYNC, at);
  at += EXECUTE_SYNC.length;
  writeQuery(around?.after);
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}

/** The same messages through PGlite's serializer (a parameter its serializer made binary). */
function serializedMessages(statement, values, around) {
  const parts = [serialize.bind({ statement, values }), serialize.execute({}), serialize.sync()];
  if (around?.before) parts.unshift(serialize.query(around.before));
  if (around?.after) parts.push(serialize.query(around.after));
  return concat(parts);
}

/** A data row as an object, its text values (null for NULL) parsed by their column types (`fields`: name and type id of each column). */
function rowOf(fields, values) {
  const row = {};
  for (let i = 0; i < fields.length; i++) row[fields[i].name] = values[i] === null ? null : types.parseType(values[i], fields[i].type, pg.parsers);
  return row;
}

/** A statement on its own, outside any transaction. */
async function statement(m) {
  if (m.op === 'exec') return (await pg.exec(m.text)).map(result);
  // Outside a transaction (PGlite's own lock order: transaction, then query, so none is open around it). A statement
  // prepared before a schema change that alters its result columns fails once ("cached plan must not change result
  // type"); it failed before doing anything, so it runs again, prepared anew.
  const once = () => pg._runExclusiveTransaction(() => (started(m.id), pg._runExclusiveQuery(() => run(m.text, m.params))));
  const out = await once().catch((err) => (stalePlan(err) ? once() : Promise.reject(err)));
  await pg.syncToFs();
  return out;
}

/**
 * Statements as one simple query inside a transaction whose lock the caller holds (PGlite's exec() would wait for that
 * lock): one result per statement, as exec() gives them, and the protocol's messages.
 */
async function simple(text) {
  const { messages } = await pg._runExclusiveQuery(() => pg.execProtocol(serialize.query(text), { syncToFs: false }));
  const results = [];
  let fields = null;
  let rows = [];
  for (const m of messages) {
    if (m.name === 'rowDescription') fields = m.fields.map((f) => ({ name: f.name, type: f.dataTypeID }));
    else if (m.name === 'dataRow' && fields) rows.push(rowOf(fields, m.fields));
    else if (m.name === 'commandComplete') {
      results.push({ rows });
      fields = null;
      rows = [];
    }
  }
  return { results, messages };
}

/**
 * BEGIN and the transaction's first statement, answer both, then run the statements sent for this transaction
 * until `end` commits or rolls it back, or a statement marked `commit` (the transaction's last) ends it: committed
 * when it succeeded, rolled back when it failed, and answered only then. BEGIN travels in the first statement's
 * call into the database and COMMIT in the last one's: each call costs about as much as a small statement, and
 * PGlite's own transaction() spends two on BEGIN and two on COMMIT. The transaction holds PGlite's lock throughout.
 */
function begin(id, first) {
  const tx = { id: nextTx++, inbox: [], wake: null };
  txs.set(tx.id, tx);
  const t = traced?.get(id);
  if (t) t.tx = tx.id;
  const next = () => (tx.inbox.length ? Promise.resolve(tx.inbox.shift()) : new Promise((resolve) => (tx.wake = resolve)));
  /** Answers a message of this transaction: the answer to the first one also names the transaction. */
  const answer = (m, out) => (m === first ? reply(id, { tx: tx.id, first: out }) : post({ id: m.id, ...out }));
  /** Whether BEGIN has been sent, and whether COMMIT has (after which PostgreSQL has ended the transaction either way). */
  let begun = false;
  let ended = false;
  /** One statement of the transaction, carrying BEGIN when it is the first and COMMIT when it is marked `commit`. */
  async function inTx(m) {
    if (m.op === 'exec') {
      if (!begun) await simple('BEGIN');
      begun = true;
      const out = (await simple(m.text)).results;
      if (m.commit) await end('COMMIT');
      return out;
    }
    const around = { before: begun ? undefined : 'BEGIN', after: m.commit ? 'COMMIT' : undefined, sent: () => ((begun = true), (ended = Boolean(m.commit))) };
    return pg._runExclusiveQuery(() => run(m.text, m.params, around));
  }
  async function end(sql) {
    ended = true;
    const { messages } = await simple(sql);
    // COMMIT of a transaction a failed statement aborted is a rollback (its command tag says so).
    if (sql === 'COMMIT' && messages.some((r) => r.name === 'commandComplete' && r.text === 'ROLLBACK')) throw new Error('the transaction was rolled back');
  }
  /** After a failure: whatever is still open is rolled back (PGlite knows whether a transaction is). */
  const abandon = async () => {
    if (begun && (!ended || pg.isInTransaction())) await simple('ROLLBACK');
  };
  /** The message that ends the transaction: answered once it is over (with the error, should COMMIT fail). */
  let last;
  pg._runExclusiveTransaction(async () => {
    try {
      for (let m = first; ; m = await next()) {
        started(m === first ? id : m.id);
        if (m.op === 'end') {
          last = m;
          if (begun && m.commit) await end('COMMIT');
          else await abandon();
          return { ok: true, result: null };
        }
        const out = await inTx(m).then(
          (result) => ({ ok: true, result }),
          (err) => ({ ok: false, error: errorFields(err) }),
        );
        if (!m.commit) {
          answer(m, out);
          continue;
        }
        last = m;
        if (!out.ok) await abandon();
        return out;
      }
    } catch (err) {
      await abandon().catch(() => {});
      throw err;
    }
  }).then(
    (out) => answer(last, out),
    (err) => (last ? answer(last, { ok: false, error: errorFields(err) }) : fail(id, err)),
  ).finally(() => txs.delete(tx.id));
}

async function handle(m) {
  switch (m.op) {
    case 'open':
      pg = await createPglite(m.dataDir, m.templateDir);
      return null;
    case 'query':
    case 'exec':
      return statement(m);
    case 'listen': {
      const off = await pg.listen(m.channel, (payload) => notified(m.channel, payload));
      unlisten.set(m.channel, off);
      return null;
    }
    case 'unlisten':
      await unlisten.get(m.channel)?.();
      unlisten.delete(m.channel);
      return null;
    case 'close':
      await pg?.close();
      return null;
    default:
      throw new Error(`unknown operation ${m.op}`);
  }
}

port.on('message', (m) => {
  if (traced && m.id !== undefined) traced.set(m.id, { id: m.id, op: m.op, ...(m.tx !== undefined ? { tx: m.tx } : {}), ...(m.first?.commit || m.commit ? { commit: true } : {}), arrived: clock() });
  if (m.op === 'trace') {
    const out = traced ? [...traced.values()].filter((t) => t.id !== m.id) : [];
    traced = m.on ? new Map() : null;
    return reply(m.id, out);
  }
  if (m.tx !== undefined) {
    const tx = txs.get(m.tx);
    if (!tx) return fail(m.id, new Error('Transaction is closed'));
    if (tx.wake) {
      const wake = tx.wake;
      tx.wake = null;
      wake(m);
    } else tx.inbox.push(m);
    return;
  }
  if (m.op === 'begin') return begin(m.id, m.first);
  if (m.op !== 'query') started(m.id);
  handle(m).then(
    (r) => reply(m.id, r),
    (err) => fail(m.id, err),
  );
});
