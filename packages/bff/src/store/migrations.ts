// Versioned schema migrations, one SQL dialect for PGlite and PostgreSQL, applied at start under a lock
// so replicas starting together migrate once. Never edit a released migration: add the next one.
import type { Database } from './db.js';
import { OPEN_STATUS_LIST as OPEN } from './order-filters.js';

export const MIGRATIONS: { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'orders, history, deliveries, idempotency, links, event log',
    sql: `
CREATE TABLE ca_meta (
  name text PRIMARY KEY,
  value text NOT NULL
);

CREATE TABLE ca_orders (
  id text PRIMARY KEY,
  tenant_id text NOT NULL,
  candidate_id text NOT NULL,
  package_id text NOT NULL,
  package_name text NOT NULL,
  vendor text NOT NULL,
  vendor_ref text,
  status text NOT NULL,
  vendor_status text,
  progress real,
  status_vendor_time timestamptz NOT NULL,
  status_changed_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  last_update_at timestamptz,
  candidate jsonb NOT NULL,
  job jsonb,
  actor text,
  booking jsonb,
  result jsonb,
  error jsonb,
  vendor_data jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX ca_orders_candidate ON ca_orders (tenant_id, candidate_id, created_at DESC, id DESC);
CREATE INDEX ca_orders_vendor_ref ON ca_orders (tenant_id, vendor, vendor_ref);
CREATE INDEX ca_orders_open ON ca_orders (tenant_id, vendor, created_at) WHERE status IN ${OPEN};

CREATE TABLE ca_status_history (
  id bigserial PRIMARY KEY,
  order_id text NOT NULL REFERENCES ca_orders(id),
  status text NOT NULL,
  vendor_status text NOT NULL,
  vendor_time timestamptz NOT NULL,
  received_at timestamptz NOT NULL,
  source text NOT NULL,
  applied boolean NOT NULL,
  dedupe_key text NOT NULL,
  detail jsonb,
  UNIQUE (order_id, dedupe_key)
);

CREATE TABLE ca_deliveries (
  id bigserial PRIMARY KEY,
  tenant_id text NOT NULL,
  vendor text NOT NULL,
  received_at timestamptz NOT NULL,
  method text NOT NULL,
  path text NOT NULL,
  content_type text,
  body text NOT NULL,
  outcome text NOT NULL,
  order_ids text[] NOT NULL DEFAULT '{}'
);
CREATE INDEX ca_deliveries_received ON ca_deliveries (tenant_id, vendor, received_at);

CREATE TABLE ca_idempotency (
  tenant_id text NOT NULL,
  key text NOT NULL,
  request_hash text NOT NULL,
  order_id text NOT NULL REFERENCES ca_orders(id),
  created_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, key)
);

CREATE TABLE ca_links (
  id text PRIMARY KEY,
  tenant_id text NOT NULL,
  candidate_id text NOT NULL,
  order_id text NOT NULL REFERENCES ca_orders(id),
  kind text NOT NULL,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  used_at timestamptz
);

CREATE TABLE ca_events (
  id bigserial PRIMARY KEY,
  tenant_id text NOT NULL,
  candidate_id text NOT NULL,
  order_id text NOT NULL,
  type text NOT NULL,
  payload jsonb NOT NULL,
  at timestamptz NOT NULL
);
CREATE INDEX ca_events_candidate ON ca_events (tenant_id, candidate_id, id);
CREATE INDEX ca_events_tenant ON ca_events (tenant_id, id);
`,
  },
  {
    version: 2,
    name: 'order version: a counter every change raises, so readers can tell newer snapshots from older',
    sql: `ALTER TABLE ca_orders ADD COLUMN version integer NOT NULL DEFAULT 1;`,
  },
  {
    version: 3,
    name: 'vendor display name kept with the order, like its package name, so the widget needs no list of vendors',
    sql: `ALTER TABLE ca_orders ADD COLUMN vendor_name text;`,
  },
  {
    version: 4,
    name: 'retention and erasure: erased orders, an audit row per erasure, indexes for pruning by age',
    sql: `
ALTER TABLE ca_orders ADD COLUMN erased_at timestamptz;
CREATE TABLE ca_erasures (
  id bigserial PRIMARY KEY,
  tenant_id text NOT NULL,
  candidate_ref text NOT NULL,
  orders integer NOT NULL,
  erased_at timestamptz NOT NULL,
  requested_by text NOT NULL
);
CREATE INDEX ca_erasures_candidate ON ca_erasures (tenant_id, candidate_ref);
CREATE INDEX ca_status_history_received ON ca_status_history (received_at) WHERE detail ? 'raw';
CREATE INDEX ca_orders_closed ON ca_orders (tenant_id, status_changed_at) WHERE status NOT IN ${OPEN} AND candidate <> '{}'::jsonb;
`,
  },
  {
    version: 5,
    name: 'recruiter actions: a retake names the order it retakes; an order keeps its latest recruiter action',
    sql: `
ALTER TABLE ca_orders ADD COLUMN retake_of text;
ALTER TABLE ca_orders ADD COLUMN last_action jsonb;
`,
  },
  {
    version: 6,
    name: 'ATS webhooks read the event log: a cursor per tenant (delivered through, lease, events pruned before delivery), and the failed deliveries parked for a retry',
    sql: `
CREATE TABLE ca_webhook_cursors (
  tenant_id text PRIMARY KEY,
  delivered_through bigint NOT NULL,
  lease_owner text,
  lease_until timestamptz,
  pruned_through bigint NOT NULL DEFAULT 0
);
CREATE TABLE ca_webhook_retries (
  tenant_id text NOT NULL,
  event_id bigint NOT NULL,
  attempts integer NOT NULL,
  retry_at timestamptz NOT NULL,
  last_error text,
  PRIMARY KEY (tenant_id, event_id)
);
CREATE INDEX ca_webhook_retries_due ON ca_webhook_retries (tenant_id, retry_at);
`,
  },
  {
    version: 7,
    name: 'erased orders stay under their tenant, marked by erased_at: those kept under <tenant>/erased move back',
    sql: `
UPDATE ca_orders SET tenant_id = substr(tenant_id, 1, length(tenant_id) - length('/erased'))
WHERE erased_at IS NOT NULL AND tenant_id LIKE '%/erased';
`,
  },
];

/**
 * Applies missing migrations in order of version, in one transaction holding an advisory lock. A database may hold a
 * later version without an earlier one (two changes developed side by side): the earlier one is applied then.
 */
export async function migrate(db: Database): Promise<number[]> {
  return db.transaction(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(727274001)`);
    await tx.exec(`CREATE TABLE IF NOT EXISTS ca_migrations (version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const rows = await tx.query<{ version: number }>(`SELECT version FROM ca_migrations`);
    const have = new Set(rows.map((r) => Number(r.version)));
    const applied: number[] = [];
    for (const m of [...MIGRATIONS].sort((a, b) => a.version - b.version)) {
      if (have.has(m.version)) continue;
      await tx.exec(m.sql);
      await tx.query(`INSERT INTO ca_migrations (version, name) VALUES ($1, $2)`, [m.version, m.name]);
      applied.push(m.version);
    }
    return applied;
  });
}
