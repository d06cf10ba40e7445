// Installation-wide values kept in the database so every replica shares them (the server secret).
import { randomBytes } from 'node:crypto';
import type { Database } from './db.js';

/** The secret that signs tickets and hook tokens: made once, then read by every replica. */
export async function serverSecret(db: Database): Promise<Uint8Array> {
  const fresh = randomBytes(32).toString('base64');
  await db.query(`INSERT INTO ca_meta (name, value) VALUES ('server_secret', $1) ON CONFLICT (name) DO NOTHING`, [fresh]);
  const rows = await db.query<{ value: string }>(`SELECT value FROM ca_meta WHERE name = 'server_secret'`);
  return new Uint8Array(Buffer.from(rows[0]!.value, 'base64'));
}

export async function ping(db: Database): Promise<void> {
  await db.query(`SELECT 1`);
}
