// The one way a route answers 302: only to an http(s) URL, whoever supplied it (a vendor, the config). A
// `javascript:` or `data:` URL must never become a Location header.
import type { Context } from 'hono';
import { AppError } from '../errors.js';
import { isWebUrl } from '../links/service.js';

export function redirectTo(c: Context, url: string): Response {
  if (!isWebUrl(url)) throw new AppError('vendor_rejected', 502, 'The destination of this link is not a web address.');
  return c.redirect(url, 302);
}
