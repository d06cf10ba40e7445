// GET /v1/links/{ticket}: a single-use ticket, followed by the browser. The link service consumes it and
// fetches a fresh vendor URL or report document; this route only redirects or sends the document, or explains
// in HTML or JSON why it cannot.
import { Hono } from 'hono';
import { LinkRefused } from '../links/service.js';
import type { RouteDeps, Env } from './context.js';
import { messagePage } from './page.js';
import { redirectTo } from './redirect.js';

export function linkRoutes(deps: RouteDeps) {
  const app = new Hono<Env>();
  app.get('/:ticket', async (c) => {
    try {
      const followed = await deps.links.follow(c.req.param('ticket'));
      c.header('Cache-Control', 'no-store');
      c.header('Referrer-Policy', 'no-referrer');
      if ('redirect' in followed) return redirectTo(c, followed.redirect);
      // A vendor document (already typed and named safely by the link service): a PDF or HTML report is shown in a
      // sandbox with no script, anything else is downloaded.
      const d = followed.document;
      const inline = d.contentType !== 'application/octet-stream';
      c.header('Content-Type', d.contentType === 'text/html' ? 'text/html; charset=utf-8' : d.contentType);
      c.header('Content-Disposition', `${inline ? 'inline' : 'attachment'}; filename="${d.filename}"`);
      c.header('Content-Security-Policy', "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'");
      c.header('X-Content-Type-Options', 'nosniff');
      return c.body(d.body as Uint8Array<ArrayBuffer>, 200);
    } catch (err) {
      if (!(err instanceof LinkRefused)) throw err;
      const wantsHtml = /text\/html/.test(c.req.header('accept') ?? '');
      return wantsHtml
        ? c.html(messagePage('This link cannot be used', err.message), err.status)
        : c.json({ error: { code: err.code, message: err.message } }, err.status);
    }
  });
  return app;
}
