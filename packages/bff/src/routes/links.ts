// GET /v1/links/{ticket}: a single-use ticket, followed by the browser. The link service consumes it and
// fetches a fresh vendor URL; this route only redirects, or explains in HTML or JSON why it cannot.
import { Hono } from 'hono';
import { LinkRefused } from '../links/service.js';
import type { AppDeps, Env } from './context.js';
import { messagePage } from './page.js';

export function linkRoutes(deps: AppDeps) {
  const app = new Hono<Env>();
  app.get('/:ticket', async (c) => {
    try {
      const url = await deps.links.follow(c.req.param('ticket'));
      c.header('Cache-Control', 'no-store');
      c.header('Referrer-Policy', 'no-referrer');
      return c.redirect(url, 302);
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
