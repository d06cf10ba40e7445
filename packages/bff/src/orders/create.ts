// Creating orders: the order row, its Idempotency-Key, its `order.created` event and its placement job, all in one
// transaction, so an accepted order is always announced and always placed. Never calls a vendor.
import type { CandidateInfo, JobInfo, Order, VendorId } from '@ca/shared';
import { createHash } from 'node:crypto';
import { customAlphabet } from 'nanoid';
import { idempotencyConflict } from '../errors.js';
import type { Database, Sql } from '../store/db.js';
import { appendEvent } from '../store/events.js';
import { createGroupCommit } from '../store/group-commit.js';
import { findIdempotency, insertIdempotency } from '../store/idempotency.js';
import { getOrder } from '../store/order-lookups.js';
import { insertOrder, toOrder } from '../store/orders.js';

/** Order ids: 21 url-safe characters (nanoid), prefixed so they read as ours in vendor consoles. */
const newId = customAlphabet('0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ', 20);
export const newOrderId = () => `o_${newId()}`;

export interface CreateOrderInput {
  tenantId: string;
  candidateId: string;
  candidate: CandidateInfo;
  job?: JobInfo | undefined;
  actor?: string | undefined;
  packageId: string;
  packageName: string;
  vendor: VendorId;
  vendorName: string;
  idempotencyKey?: string | undefined;
  /** A retake: the order this one is a new attempt of. */
  retakeOf?: string | undefined;
}

/** Enqueues the durable placement job of an order inside the order's transaction. */
export type EnqueuePlacement = (tx: Sql, orderId: string) => Promise<void>;

class IdempotencyRace extends Error {}

const sha = (parts: unknown[]) => createHash('sha256').update(JSON.stringify(parts)).digest('base64url');

/**
 * Hash of what makes two order requests "the same request" for an Idempotency-Key: the candidate and their details
 * (name, e-mail, locale), the job and the package. A key sent again with any of them changed is a 409, never the
 * order the first request made for someone or something else.
 */
const requestHash = (i: CreateOrderInput) =>
  `v2.${sha([i.candidateId, i.packageId, i.retakeOf ?? null, i.candidate.firstName, i.candidate.lastName, i.candidate.email, i.candidate.locale ?? null, i.job?.id ?? null, i.job?.title ?? null])}`;

/** The hash keys stored before it covered candidate details and job (no `v2.` prefix): those compare as they were made. */
const legacyHash = (i: CreateOrderInput) => sha(i.retakeOf ? [i.candidateId, i.packageId, i.retakeOf] : [i.candidateId, i.packageId]);
const sameRequest = (stored: string, hash: string, i: CreateOrderInput) => stored === hash || (!stored.startsWith('v2.') && !stored.startsWith('action:') && stored === legacyHash(i));

/** `create(input)`: the order and whether this call created it (false: the Idempotency-Key named an earlier one). */
export function createOrderCreator(deps: { db: Database; now: () => Date; enqueuePlacement: EnqueuePlacement }) {
  // Concurrent creations share transactions (store/group-commit.ts): each answers once its transaction has committed,
  // a failed shared transaction is retried one creation at a time, so a refused one (idempotency conflict) fails alone.
  // Inside one transaction a second request with the same Idempotency-Key sees the first one's key row.
  const creates = createGroupCommit<{ tx: Sql }>({ db: deps.db, open: (tx) => ({ tx }), close: async () => {} });

  async function createIn(tx: Sql, input: CreateOrderInput, hash: string): Promise<{ order: Order; created: boolean }> {
    if (input.idempotencyKey) {
      const seen = await findIdempotency(tx, input.tenantId, input.idempotencyKey);
      if (seen) {
        if (!sameRequest(seen.request_hash, hash, input)) throw idempotencyConflict();
        const row = await getOrder(tx, seen.order_id);
        // Erased between the two reads (erasure deletes the order's keys too): try again, as a new request.
        if (!row) throw new IdempotencyRace();
        return { order: toOrder(row), created: false };
      }
    }
    const at = deps.now();
    const row = await insertOrder(tx, { ...input, id: newOrderId(), now: at });
    if (input.idempotencyKey && !(await insertIdempotency(tx, input.tenantId, input.idempotencyKey, hash, row.id, at))) {
      throw new IdempotencyRace(); // another request claimed the key between our read and write: roll back, read theirs
    }
    const order = toOrder(row);
    await appendEvent(tx, 'order.created', order, at);
    await deps.enqueuePlacement(tx, row.id);
    return { order, created: true };
  }

  return async function create(input: CreateOrderInput): Promise<{ order: Order; created: boolean }> {
    const hash = requestHash(input);
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        return await creates.run(({ tx }) => createIn(tx, input, hash));
      } catch (err) {
        if (!(err instanceof IdempotencyRace)) throw err;
      }
    }
    throw new Error('idempotency key contention did not settle');
  };
}
