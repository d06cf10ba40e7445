// Diagnosis only (BENCH_SQL_TRACE=1): wraps a running BFF's database handle to count and time every
// statement by its text, inside transactions and out. Replaces methods on the live object; no source change.
type Q = (text: string, params?: unknown[]) => Promise<unknown[]>;
interface Handle {
  query: Q;
  transaction<T>(fn: (tx: { query: Q }) => Promise<T>): Promise<T>;
}

const stats = new Map<string, { n: number; ms: number; rows: number }>();
let tx = { n: 0, ms: 0 };

function timed(q: Q, self: unknown): Q {
  return async (text, params) => {
    const t = performance.now();
    const rows = await q.call(self, text, params);
    const key = text.replace(/\s+/g, ' ').slice(0, 110);
    const s = stats.get(key) ?? { n: 0, ms: 0, rows: 0 };
    s.n += 1;
    s.ms += performance.now() - t;
    s.rows += rows.length;
    stats.set(key, s);
    return rows;
  };
}

export function traceSql(db: Handle): void {
  const q = db.query;
  db.query = timed(q, db);
  const transaction = db.transaction.bind(db);
  db.transaction = async (fn) => {
    const t = performance.now();
    try {
      return await transaction((inner) => fn(new Proxy(inner, { get: (o, k) => (k === 'query' ? timed(o.query, o) : Reflect.get(o, k)) })));
    } finally {
      tx.n += 1;
      tx.ms += performance.now() - t;
    }
  };
}

export function sqlReport(): { transactions: typeof tx; statements: { sql: string; n: number; ms: number; avg_ms: number; rows: number }[] } {
  const out = [...stats].map(([sql, s]) => ({ sql, n: s.n, ms: Math.round(s.ms), avg_ms: +(s.ms / s.n).toFixed(3), rows: s.rows })).sort((a, b) => b.ms - a.ms);
  const r = { transactions: { n: tx.n, ms: Math.round(tx.ms) }, statements: out };
  stats.clear();
  tx = { n: 0, ms: 0 };
  return r;
}
