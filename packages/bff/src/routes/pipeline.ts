// What app.ts does around every request, as plain functions: the request metrics and log line, the security
// headers, and the error answer. The Hono middlewares use them, and so does the notifications' direct path
// (hooks.ts hookDirect), so both answer and count alike.
import { HTTPException } from 'hono/http-exception';
import type { Logger } from 'pino';
import { wwwAuthenticate } from '../auth/principal.js';
import { AppError } from '../errors.js';
import type { Metrics } from '../metrics.js';

/** Headers on every answer, each unless the answer set its own (X-Content-Type-Options always). */
export const REFERRER_POLICY = 'strict-origin-when-cross-origin';
/** Our own HTML pages (link errors, thank-you) have no script, style or image: nothing may load, nobody may frame them. */
export const HTML_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** Adds the security headers to an answer's headers (see REFERRER_POLICY, HTML_CSP). */
export function secure(headers: Headers): void {
  headers.set('X-Content-Type-Options', 'nosniff');
  if (!headers.has('Referrer-Policy')) headers.set('Referrer-Policy', REFERRER_POLICY);
  if (/^text\/html/i.test(headers.get('content-type') ?? '') && !headers.has('Content-Security-Policy')) {
    headers.set('Content-Security-Policy', HTML_CSP);
  }
}

/** Counts a finished request and logs it at debug. The route is the pattern, never the path: paths carry single-use tickets. */
export function createRequestObserver(metrics: Metrics, log: Logger) {
  return function observed(method: string, route: string, status: number, started: number): void {
    const seconds = (performance.now() - started) / 1000;
    metrics.httpRequests.inc({ method, route, status: String(status) });
    metrics.httpLatency.observe({ method, route }, seconds);
    log.debug({ method, route, status, ms: Math.round(seconds * 1000) }, 'request');
  };
}

export type RequestObserver = ReturnType<typeof createRequestObserver>;

/** An error as answered: {"error":{"code","message"}}, never a stack trace; anything unexpected is a logged 500. */
export function errorAnswer(err: Error, log: Logger, route: string | undefined): { status: number; body: { error: { code: string; message: string } }; headers: Record<string, string> } {
  if (err instanceof AppError) {
    const headers: Record<string, string> = {};
    const www = wwwAuthenticate(err);
    if (www) headers['WWW-Authenticate'] = www;
    if (err.retryAfterSeconds !== undefined) headers['Retry-After'] = String(err.retryAfterSeconds);
    return { status: err.status, body: { error: { code: err.code, message: err.message } }, headers };
  }
  if (err instanceof HTTPException) {
    return { status: err.status, body: { error: { code: err.status === 413 ? 'payload_too_large' : 'bad_request', message: err.message || 'Bad request.' } }, headers: {} };
  }
  log.error({ err: { message: err.message, name: err.name, stack: err.stack }, route }, 'unhandled error');
  return { status: 500, body: { error: { code: 'internal', message: 'Something went wrong on our side. Try again.' } }, headers: {} };
}
