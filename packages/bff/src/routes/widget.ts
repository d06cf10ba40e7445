// The widget bundle and its lazy chunks (docs/releasing.md#pinning-the-widget). Two URLs for one file:
// - /widget.js, cached 5 minutes: a page that names it gets each new widget within minutes of a deploy;
// - /widget/<version>/widget.js, <version> the first 16 hex digits of the bundle's SHA-384, cached for good
//   (`immutable`): a page pins one build, with the `integrity` attribute widgetAsset() computes.
// The bundle imports its chunks as ./widget/i18n/<name>-<hash>.js relative to itself, so each URL gets them under
// its own directory; their names change with their content, so they are cached for good everywhere.
import { Hono, type Context } from 'hono';
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Env, RouteDeps } from './context.js';

export interface WidgetAsset {
  body: Buffer;
  mtimeMs: number;
  etag: string;
  /** First 16 hex digits of the bundle's SHA-384: names its versioned URL. */
  version: string;
  /** The versioned path, e.g. `/widget/0123456789abcdef/widget.js`. */
  path: string;
  /** For `<script integrity>`: `sha384-` and the base64 SHA-384 of the bundle (Subresource Integrity). */
  integrity: string;
}

/** Reads the built bundle and computes its versioned path and integrity. Throws when the file is missing. */
export async function widgetAsset(file: string): Promise<WidgetAsset> {
  const [body, info] = await Promise.all([readFile(file), stat(file)]);
  const sha384 = createHash('sha384').update(body).digest();
  const version = sha384.toString('hex').slice(0, 16);
  return {
    body,
    mtimeMs: info.mtimeMs,
    etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
    version,
    path: `/widget/${version}/widget.js`,
    integrity: `sha384-${sha384.toString('base64')}`,
  };
}

/** The tag a page pastes to load this exact build from `publicUrl` (the BFF's public base URL). */
export function widgetScriptTag(publicUrl: string, asset: Pick<WidgetAsset, 'path' | 'integrity'>): string {
  return `<script type="module" src="${publicUrl.replace(/\/+$/, '')}${asset.path}" integrity="${asset.integrity}" crossorigin="anonymous"></script>`;
}

const SCRIPT_HEADERS = {
  'Content-Type': 'text/javascript; charset=utf-8',
  'Access-Control-Allow-Origin': '*', // module scripts load cross-origin only with CORS (and integrity needs it too)
  'Cross-Origin-Resource-Policy': 'cross-origin',
  'X-Content-Type-Options': 'nosniff',
};
const FOREVER = 'public, max-age=31536000, immutable';
const VERSION = ':version{[0-9a-f]{16}}';
const CHUNK = ':file{(?:[a-z]{2}|acts)-[A-Za-z0-9_-]+\\.js}';

export function widgetRoutes(deps: Pick<RouteDeps, 'widgetFile'>) {
  const app = new Hono<Env>();
  let cached: WidgetAsset | undefined;
  /** The bundle as it is on disk now (re-read when its mtime changes), or undefined when it is not built. */
  const current = async (): Promise<WidgetAsset | undefined> => {
    let info;
    try {
      info = await stat(deps.widgetFile);
    } catch {
      return undefined;
    }
    if (!cached || cached.mtimeMs !== info.mtimeMs) cached = await widgetAsset(deps.widgetFile);
    return cached;
  };
  const notBuilt = (c: Context<Env>) =>
    c.json({ error: { code: 'not_found', message: 'The widget is not built. Run: npx pnpm@10 --filter @ca/widget build' } }, 404);

  app.get('/widget.js', async (c) => {
    const w = await current();
    if (!w) return notBuilt(c);
    const headers = { ...SCRIPT_HEADERS, 'Cache-Control': 'public, max-age=300, stale-while-revalidate=86400', ETag: w.etag };
    if (c.req.header('if-none-match') === w.etag) return c.body(null, 304, headers);
    return c.body(new Uint8Array(w.body), 200, headers);
  });
  app.get(`/widget/${VERSION}/widget.js`, async (c) => {
    const w = await current();
    if (!w) return notBuilt(c);
    if (c.req.param('version') !== w.version) {
      // Another build (an older deploy, or one not rolled out here yet): never answer with different bytes.
      return c.json(
        { error: { code: 'not_found', message: `This BFF serves widget version ${w.version}, not ${c.req.param('version')}: load ${w.path} or /widget.js.` } },
        404,
        { 'Access-Control-Allow-Origin': '*', 'Cache-Control': 'no-store' },
      );
    }
    return c.body(new Uint8Array(w.body), 200, { ...SCRIPT_HEADERS, 'Cache-Control': FOREVER, ETag: w.etag });
  });

  const chunk = async (c: Context<Env>) => {
    let body: Buffer;
    try {
      body = await readFile(join(dirname(deps.widgetFile), 'widget/i18n', c.req.param('file')!));
    } catch {
      return c.json({ error: { code: 'not_found', message: 'No such language chunk.' } }, 404);
    }
    return c.body(new Uint8Array(body), 200, { ...SCRIPT_HEADERS, 'Cache-Control': FOREVER });
  };
  app.get(`/widget/i18n/${CHUNK}`, chunk);
  app.get(`/widget/${VERSION}/widget/i18n/${CHUNK}`, chunk);
  return app;
}
