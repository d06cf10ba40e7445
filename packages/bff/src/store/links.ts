// Single-use link tickets (launch, report). A ticket is consumed by one atomic UPDATE: two clicks, one use.
import type { LinkKind } from '@ca/shared';
import type { Sql } from './db.js';

export interface LinkRow {
  id: string;
  tenant_id: string;
  candidate_id: string;
  order_id: string;
  kind: LinkKind;
  expires_at: Date;
  used_at: Date | null;
}

export async function insertLink(
  sql: Sql,
  l: { id: string; tenantId: string; candidateId: string; orderId: string; kind: LinkKind; now: Date; expiresAt: Date },
): Promise<void> {
  await sql.query(
    `INSERT INTO ca_links (id, tenant_id, candidate_id, order_id, kind, created_at, expires_at) VALUES ($1,$2,$3,$4,$5,$6,$7)`,
    [l.id, l.tenantId, l.candidateId, l.orderId, l.kind, l.now, l.expiresAt],
  );
}

/** Marks the ticket used and returns it, or returns why not: `unknown`, `used` or `expired`. */
export async function consumeLink(sql: Sql, id: string, now: Date): Promise<LinkRow | 'unknown' | 'used' | 'expired'> {
  const rows = await sql.query<LinkRow>(
    `UPDATE ca_links SET used_at = $2 WHERE id = $1 AND used_at IS NULL AND expires_at > $2 RETURNING *`,
    [id, now],
  );
  if (rows[0]) return rows[0];
  const found = await sql.query<LinkRow>(`SELECT * FROM ca_links WHERE id = $1`, [id]);
  if (!found[0]) return 'unknown';
  return found[0].used_at ? 'used' : 'expired';
}

export async function pruneLinks(sql: Sql, before: Date): Promise<void> {
  await sql.query(`DELETE FROM ca_links WHERE expires_at < $1`, [before]);
}
