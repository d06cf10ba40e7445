// Single-use links (docs/contracts.md#http-api, `POST /v1/orders/{id}/links`): issued for an order the caller may see, followed by a browser. Following
// consumes the ticket before the vendor is asked, then fetches a fresh vendor URL. Never returns a vendor URL
// that is not http(s).
import { LINK_TTL_SECONDS, isOpenStatus, type LinkKind } from '@ca/shared';
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { VendorError, type VendorDocument } from '../core/vendor-port.js';
import { AppError } from '../errors.js';
import type { Metrics } from '../metrics.js';
import type { Database } from '../store/db.js';
import { consumeLink, insertLink } from '../store/links.js';
import { getOrder } from '../store/order-lookups.js';
import { mergeVendorData, type OrderRow } from '../store/orders.js';
import type { VendorHost } from '../vendor-host/host.js';
import { toVendorOrder } from '../vendor-host/vendor-order.js';

export interface LinkServiceDeps {
  db: Database;
  adapters: VendorHost;
  metrics: Metrics;
  log: Logger;
  now: () => Date;
  /** The BFF's public base URL, no trailing slash. */
  publicUrl: string;
}

/** Why a followed link led nowhere; `status` is what the browser gets. */
export class LinkRefused extends Error {
  constructor(
    readonly status: 404 | 410 | 502,
    readonly code: 'not_found' | 'link_used' | 'link_expired' | 'vendor_unavailable',
    message: string,
  ) {
    super(message);
    this.name = 'LinkRefused';
  }
}

const TICKET = /^[A-Za-z0-9_-]{20,64}$/;

/** Only http(s) URLs are redirected to: a vendor answer of `javascript:` or `data:` must never become a Location. */
export function isWebUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    return false;
  }
}

/** What a followed ticket leads to: a redirect to a fresh vendor URL, or a report document to stream. */
export type Followed = { redirect: string } | { document: VendorDocument };

/** Types a report document may be shown inline as; anything else is a download of octets. */
const INLINE_TYPES = new Set(['application/pdf', 'text/html']);
/** Reports larger than this are refused rather than held in memory (Berke reports are a few hundred KB). */
export const MAX_DOCUMENT_BYTES = 20 * 1024 * 1024;

/** A document the browser can be handed safely: known inline type or octets, a plain file name. */
function safeDocument(d: VendorDocument): VendorDocument {
  const type = d.contentType.split(';')[0]!.trim().toLowerCase();
  const base = d.filename.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '').slice(0, 100) || 'report';
  return { contentType: INLINE_TYPES.has(type) ? type : 'application/octet-stream', body: d.body, filename: base };
}

export function createLinkService(deps: LinkServiceDeps) {
  const { db, adapters, now } = deps;
  return {
    /**
     * A ticket URL for an order the caller was allowed to see (authorization is the route's). Refuses a report
     * that does not exist yet and a launch of an order that cannot be started.
     */
    async issue(order: OrderRow, kind: LinkKind): Promise<{ url: string; expiresAt: string }> {
      const adapter = adapters.get(order.tenant_id, order.vendor);
      if (kind === 'report') {
        if (!adapter?.reportUrl || !order.result?.reportAvailable) {
          throw new AppError('report_unavailable', 409, 'No report is available for this assessment yet.');
        }
      } else if (kind === 'evaluation') {
        if (!adapter?.evaluationUrl || !order.result?.flags.some((f) => f.code === 'video_evaluation')) {
          throw new AppError('report_unavailable', 409, 'No evaluation is available for this assessment.');
        }
      } else if (!order.vendor_ref || !isOpenStatus(order.status) || order.status === 'completed') {
        const msg = order.status === 'requested' ? 'The assessment is still being set up; try again in a moment.' : 'This assessment can no longer be launched.';
        throw new AppError('launch_unavailable', 409, msg);
      }
      const at = now();
      const id = randomBytes(24).toString('base64url');
      const expiresAt = new Date(at.getTime() + LINK_TTL_SECONDS * 1000);
      await insertLink(db, { id, tenantId: order.tenant_id, candidateId: order.candidate_id, orderId: order.id, kind, now: at, expiresAt });
      return { url: `${deps.publicUrl}/v1/links/${id}`, expiresAt: expiresAt.toISOString() };
    },

    /** Consumes the ticket and returns a fresh vendor URL to redirect to, or a report document; throws `LinkRefused`. */
    async follow(ticket: string): Promise<Followed> {
      if (!TICKET.test(ticket)) throw new LinkRefused(404, 'not_found', 'This link is not valid.');
      const link = await consumeLink(db, ticket, now());
      if (link === 'unknown') throw new LinkRefused(404, 'not_found', 'This link is not valid.');
      if (link === 'used') throw new LinkRefused(410, 'link_used', 'This link was already used. Go back and open the assessment again.');
      if (link === 'expired') throw new LinkRefused(410, 'link_expired', 'This link has expired. Go back and open the assessment again.');

      const row = await getOrder(db, link.order_id);
      const adapter = row && adapters.get(row.tenant_id, row.vendor);
      const order = row && toVendorOrder(row, adapters);
      if (!row || !adapter || !order) throw new LinkRefused(404, 'not_found', 'This assessment is no longer available.');
      const op = link.kind;
      try {
        const got =
          op === 'report' ? await adapter.reportUrl!(order) : op === 'evaluation' ? await adapter.evaluationUrl!(order) : await adapter.launchUrl(order);
        if ('document' in got) {
          if (op !== 'report') throw new VendorError('The assessment provider sent a document instead of a link.', { retryable: false });
          if (got.document.body.byteLength > MAX_DOCUMENT_BYTES) {
            throw new VendorError('The report is too large to show here.', { retryable: false });
          }
        } else if (!isWebUrl(got.url)) {
          throw new VendorError('The assessment provider sent a link we cannot open.', { retryable: false });
        }
        if (got.vendorData) await mergeVendorData(db, row.id, got.vendorData, now());
        deps.metrics.vendorCalls.inc({ vendor: row.vendor, op, outcome: 'ok' });
        return 'document' in got ? { document: safeDocument(got.document) } : { redirect: got.url };
      } catch (err) {
        deps.metrics.vendorCalls.inc({ vendor: row.vendor, op, outcome: 'error' });
        deps.log.warn({ order: row.id, vendor: row.vendor, err: String((err as Error).message) }, `could not get a ${op} URL`);
        const message = err instanceof VendorError ? err.message : 'The assessment provider did not answer.';
        throw new LinkRefused(502, 'vendor_unavailable', `${message} Go back and try again in a moment.`);
      }
    },
  };
}

export type LinkService = ReturnType<typeof createLinkService>;
