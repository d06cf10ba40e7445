// The conditions that pick orders, written once: a live order (not erased) and an open one (its vendor still has
// work). Every read of orders uses these; no query spells either condition itself.
import { OPEN_STATUSES } from '@ca/shared';

/**
 * The condition for a live order of `ca_orders` aliased `alias`: not erased. An erased order stays under its tenant
 * (anonymised, for statistics and the audit trail) but no lookup may find it again: no API answer, ticket, link,
 * poll or vendor update reaches it.
 */
export const liveOrder = (alias = 'ca_orders') => `${alias}.erased_at IS NULL`;

/** `('requested',…)`: the open statuses of `@ca/shared` OPEN_STATUSES as an SQL list. */
export const OPEN_STATUS_LIST = `(${OPEN_STATUSES.map(sqlWord).join(',')})`;

/** The condition for an open order of `ca_orders` aliased `alias`. */
export const openOrder = (alias = 'ca_orders') => `${alias}.status IN ${OPEN_STATUS_LIST}`;

/** The condition for a closed order (`NOT IN`, as the partial index ca_orders_closed is written). */
export const closedOrder = (alias = 'ca_orders') => `${alias}.status NOT IN ${OPEN_STATUS_LIST}`;

/** A status as an SQL string literal; statuses are plain lower-case words, and anything else is refused. */
function sqlWord(s: string): string {
  if (!/^[a-z_]+$/.test(s)) throw new Error(`not a status: ${s}`);
  return `'${s}'`;
}
