// GET /v1/links/{ticket}: a single-use ticket, followed by the browser, that fetches a fresh vendor URL
// and redirects to it. The ticket is the only credential: it is consumed before the vendor is asked.
import { Hono } from 'hono';
import { consumeLink } from '../store/links.js';
import { getOrder, mergeVendorData } from '../store/orders.js';
import { toVendorOrder } from '../vendors/adapters.js';
import { VendorError } from '../core/vendor-port.js';
import type { AppDeps, Env } from './context.js';
import { messagePage } from './page.js';

export function linkRoutes(deps: AppDeps) {
  const app = new Hono<Env>();
  app.get('/:ticket', async (c) => {
    const wantsHtml = /text\/html/.test(c.req.header('accept') ?? '');
    const fail = (status: 404 | 410 | 502, code: string, message: string) =>
      wantsHtml ? c.html(messagePage('This link cannot be used', message), status) : c.json({ error: { code, message } }, status);

    const ticket = c.req.param('ticket');
    if (!/^[A-Za-z0-9_-]{20,64}$/.test(ticket)) return fail(404, 'not_found', 'This link is not valid.');
    const link = await consumeLink(deps.db, ticket, deps.now());
    if (link === 'unknown') return fail(404, 'not_found', 'This link is not valid.');
    if (link === 'used') return fail(410, 'link_used', 'This link was already used. Go back and open the assessment again.');
    if (link === 'expired') return fail(410, 'link_expired', 'This link has expired. Go back and open the assessment again.');

    const row = await getOrder(deps.db, link.order_id);
    const adapter = row && deps.adapters.get(row.tenant_id, row.vendor);
    const vo = row && toVendorOrder(row, deps.adapters);
    if (!row || !adapter || !vo) return fail(404, 'not_found', 'This assessment is no longer available.');
    try {
      const got = link.kind === 'report' ? await adapter.reportUrl!(vo) : await adapter.launchUrl(vo);
      if (got.vendorData) await mergeVendorData(deps.db, row.id, got.vendorData, deps.now());
      deps.metrics.vendorCalls.inc({ vendor: row.vendor, op: link.kind, outcome: 'ok' });
      c.header('Cache-Control', 'no-store');
      c.header('Referrer-Policy', 'no-referrer');
      return c.redirect(got.url, 302);
    } catch (err) {
      deps.metrics.vendorCalls.inc({ vendor: row.vendor, op: link.kind, outcome: 'error' });
      deps.log.warn({ order: row.id, vendor: row.vendor, err: String((err as Error).message) }, `could not get a ${link.kind} URL`);
      const message = err instanceof VendorError ? err.message : 'The assessment provider did not answer.';
      return fail(502, 'vendor_unavailable', `${message} Go back and try again in a moment.`);
    }
  });
  return app;
}
