// Retention and erasure (GDPR-style). Erasure is asked for by the ATS with its API key; pruning runs on a timer on
// every replica (each run is idempotent). Never removes what another tenant owns; never logs a candidate id.
import { createHmac } from 'node:crypto';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { VendorOrder } from '../core/vendor-port.js';
import type { Database } from '../store/db.js';
import { eraseCandidate, lockOpenPlacedOrders, noteOnErasedOrder, pruneContactData, pruneRawPayloads, type ErasureResult } from '../store/retention.js';
import type { VendorHost } from '../vendor-host/host.js';
import { toVendorOrder } from '../vendor-host/vendor-order.js';

export interface PrivacyServiceDeps {
  db: Database;
  config: Config;
  /** The server secret: pseudonyms are HMACs of it, so the same candidate always gets the same one. */
  secret: Uint8Array;
  log: Logger;
  now: () => Date;
  /** Where the candidate's open orders are withdrawn (each vendor's cancel call, where it has one). */
  adapters?: VendorHost;
}

const DAY = 86_400_000;

export function createPrivacyService(deps: PrivacyServiceDeps) {
  const { db, config, log, now } = deps;

  /** The stable pseudonym that replaces a candidate id; also how the audit row names the candidate. */
  const pseudonym = (tenantId: string, candidateId: string) =>
    `erased_${createHmac('sha256', deps.secret).update(`erasure\0${tenantId}\0${candidateId}`).digest('base64url').slice(0, 22)}`;

  /**
   * Withdraws the erased candidate's open orders at their vendors, once per vendor record (a Berke assessment serves
   * all of a candidate's packages), where the vendor has a cancel call. Best effort after the erasure committed: the
   * erasure never waits on a vendor, and a failure is logged with order and vendor only.
   */
  async function withdrawAtVendors(open: readonly VendorOrder[]): Promise<{ withdrawn: number; notWithdrawn: number }> {
    let withdrawn = 0;
    let notWithdrawn = 0;
    const seen = new Set<string>();
    for (const o of open) {
      const adapter = deps.adapters?.get(o.tenantId, o.package.vendor);
      const key = `${o.package.vendor}\0${o.vendorRef}`;
      if (seen.has(key)) continue;
      seen.add(key);
      if (typeof adapter?.cancel !== 'function') {
        notWithdrawn += 1;
        await noteOnErasedOrder(db, o.id, 'erased; the vendor has no call to withdraw it', now());
        continue;
      }
      try {
        await noteOnErasedOrder(db, o.id, `withdrawn at erasure (${(await adapter.cancel(o)).call})`, now());
        withdrawn += 1;
      } catch (err) {
        notWithdrawn += 1;
        await noteOnErasedOrder(db, o.id, 'erased; withdrawing it at the vendor failed', now());
        log.error({ order: o.id, vendor: o.package.vendor, err: String((err as Error).message) }, 'could not withdraw an erased order at the vendor');
      }
    }
    return { withdrawn, notWithdrawn };
  }

  return {
    pseudonym,

    /** Erases a candidate's data in one transaction; idempotent (a second call erases nothing and is audited too). */
    async erase(tenantId: string, candidateId: string, requestedBy: string): Promise<ErasureResult & { candidateRef: string; erasedAt: string }> {
      const at = now();
      const ref = pseudonym(tenantId, candidateId);
      let open: VendorOrder[] = [];
      const result = await db.transaction(async (tx) => {
        // Read (and locked) before the erasure wipes the vendor references that name them at the vendor.
        const rows = deps.adapters ? await lockOpenPlacedOrders(tx, tenantId, candidateId) : [];
        open = rows.flatMap((r) => toVendorOrder(r, deps.adapters!) ?? []);
        return eraseCandidate(tx, { tenantId, candidateId, pseudonym: ref, now: at, requestedBy });
      });
      const withdrawn = await withdrawAtVendors(open);
      log.info({ tenant: tenantId, candidateRef: ref, ...result, ...withdrawn }, 'erased a candidate');
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
