// Retention and erasure (GDPR-style). Erasure is asked for by the ATS with its API key; pruning runs on a timer on
// every replica (each run is idempotent). Never removes what another tenant owns; never logs a candidate id.
import { createHmac } from 'node:crypto';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { Database } from '../store/db.js';
import { eraseCandidate, pruneContactData, pruneRawPayloads, type ErasureResult } from '../store/retention.js';

export interface PrivacyServiceDeps {
  db: Database;
  config: Config;
  /** The server secret: pseudonyms are HMACs of it, so the same candidate always gets the same one. */
  secret: Uint8Array;
  log: Logger;
  now: () => Date;
}

const DAY = 86_400_000;

export function createPrivacyService(deps: PrivacyServiceDeps) {
  const { db, config, log, now } = deps;

  /** The stable pseudonym that replaces a candidate id; also how the audit row names the candidate. */
  const pseudonym = (tenantId: string, candidateId: string) =>
    `erased_${createHmac('sha256', deps.secret).update(`erasure\0${tenantId}\0${candidateId}`).digest('base64url').slice(0, 22)}`;

  return {
    pseudonym,

    /** Erases a candidate's data in one transaction; idempotent (a second call erases nothing and is audited too). */
    async erase(tenantId: string, candidateId: string, requestedBy: string): Promise<ErasureResult & { candidateRef: string; erasedAt: string }> {
      const at = now();
      const ref = pseudonym(tenantId, candidateId);
      const result = await db.transaction((tx) => eraseCandidate(tx, { tenantId, candidateId, pseudonym: ref, now: at, requestedBy }));
      log.info({ tenant: tenantId, candidateRef: ref, ...result }, 'erased a candidate');
      return { ...result, candidateRef: ref, erasedAt: at.toISOString() };
    },

    /** One pruning pass over every tenant, by its retention settings. */
    async prune(): Promise<void> {
      const t = now().getTime();
      for (const [tenantId, tenant] of Object.entries(config.tenants)) {
        const r = tenant.retention;
        const raw = await pruneRawPayloads(db, tenantId, new Date(t - r.rawPayloadDays * DAY));
        const contacts = await pruneContactData(db, tenantId, new Date(t - r.contactDataDays * DAY));
        if (raw.deliveries || raw.history || contacts) log.info({ tenant: tenantId, ...raw, contacts }, 'pruned by retention');
      }
    },
  };
}

export type PrivacyService = ReturnType<typeof createPrivacyService>;
