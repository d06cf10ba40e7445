// GET /docs: /openapi.json rendered as an API reference (Scalar's Hono middleware). Everything comes from this
// origin (the Scalar bundle is served from node_modules at /docs/scalar.js, never a CDN), and the page runs under
// its own strict CSP: scripts only from here or with this response's nonce, no eval, no outside connections.
import { Scalar } from '@scalar/hono-api-reference';
import { Hono } from 'hono';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The single-file (UMD) Scalar bundle: no lazily imported chunks, so one nonce-less `script-src 'self'` covers it. The
 * compiled BFF has a copy beside this file (scripts/deploy.mjs), so production installs none of the package's own
 * dependencies (a few hundred MB of them); run from the sources, it is the package's file.
 */
const BESIDE = fileURLToPath(new URL('./scalar-standalone.js', import.meta.url));
const bundleFile = () =>
  existsSync(BESIDE) ? BESIDE : join(dirname(createRequire(import.meta.url).resolve('@scalar/api-reference')), 'browser', 'standalone.js');

/** The page's policy. Styles: Scalar injects `<style>` elements at run time, so style-src needs 'unsafe-inline'. */
export const docsCsp = (nonce: string) =>
  [
    "default-src 'none'",
    `script-src 'self' 'nonce-${nonce}'`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');

type DocsEnv = { Variables: { nonce: string } };

export function docsRoutes() {
  const app = new Hono<DocsEnv>();
  let bundle: Promise<Buffer> | undefined;

  app.get('/scalar.js', async (c) => {
    bundle ??= readFile(bundleFile());
    const body = await bundle;
    return c.body(new Uint8Array(body), 200, {
      'Content-Type': 'text/javascript; charset=utf-8',
      'Cache-Control': 'public, max-age=3600',
    });
  });

  app.get(
    '/',
    async function docsPolicy(c, next) {
      const nonce = randomBytes(16).toString('base64');
      c.set('nonce', nonce);
      await next();
      c.res.headers.set('Content-Security-Policy', docsCsp(nonce));
      c.res.headers.set('Cache-Control', 'no-store');
    },
    Scalar<DocsEnv>((c) => ({
      url: '/openapi.json',
      cdn: '/docs/scalar.js',
      nonce: c.get('nonce'),
      pageTitle: 'candidate-assessment API',
      // No fonts, proxies or telemetry from outside: the page talks to this origin only.
      withDefaultFonts: false,
      hideClientButton: true,
      telemetry: false,
      showDeveloperTools: 'never',
      agent: { disabled: true },
      defaultOpenAllTags: true,
    })),
  );
  return app;
}
