// The widget's two URLs: /widget.js (short cache) and /widget/<version>/widget.js (immutable, the version from the
// bundle's SHA-384), their chunks under each, the integrity for <script integrity>, and a rebuild on disk.
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { widgetAsset, widgetRoutes, widgetScriptTag } from './widget.js';

const IMMUTABLE = 'public, max-age=31536000, immutable';

describe('widget URLs', () => {
  let dir: string;
  let file: string;
  const bundle = 'if(typeof window<"u"){import(`./widget/i18n/de-AbC_12.js`)}';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ca-widget-'));
    file = join(dir, 'widget.js');
    await mkdir(join(dir, 'widget/i18n'), { recursive: true });
    await writeFile(file, bundle);
    await writeFile(join(dir, 'widget/i18n/de-AbC_12.js'), 'export default "x"');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  /** SHA-384 by Web Crypto, not node:crypto's createHash that widget.ts uses. */
  const sha384 = async (text: string) => Buffer.from(await crypto.subtle.digest('SHA-384', new TextEncoder().encode(text)));

  it("computes the bundle's integrity and versioned path from its SHA-384", async () => {
    const digest = await sha384(bundle);
    const w = await widgetAsset(file);
    expect(w.integrity).toBe(`sha384-${digest.toString('base64')}`);
    expect(w.version).toBe(digest.toString('hex').slice(0, 16));
    expect(w.path).toBe(`/widget/${w.version}/widget.js`);
    expect(widgetScriptTag('https://bff.example.com/', w)).toBe(
      `<script type="module" src="https://bff.example.com${w.path}" integrity="${w.integrity}" crossorigin="anonymous"></script>`,
    );
  });

  it('serves the versioned URL immutable, keeps /widget.js on a short cache, and the chunks under both', async () => {
    const app = widgetRoutes({ widgetFile: file });
    const w = await widgetAsset(file);
    const pinned = await app.request(w.path);
    expect(pinned.status).toBe(200);
    expect(pinned.headers.get('cache-control')).toBe(IMMUTABLE);
    expect(pinned.headers.get('access-control-allow-origin')).toBe('*');
    expect(pinned.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(await pinned.text()).toBe(bundle);

    const plain = await app.request('/widget.js');
    expect(plain.status).toBe(200);
    expect(plain.headers.get('cache-control')).toBe('public, max-age=300, stale-while-revalidate=86400');
    expect(await plain.text()).toBe(bundle);
    expect((await app.request('/widget.js', { headers: { 'If-None-Match': plain.headers.get('etag')! } })).status).toBe(304);

    for (const path of ['/widget/i18n/de-AbC_12.js', `/widget/${w.version}/widget/i18n/de-AbC_12.js`]) {
      const chunk = await app.request(path);
      expect(chunk.status, path).toBe(200);
      expect(chunk.headers.get('cache-control')).toBe(IMMUTABLE);
      expect(await chunk.text()).toBe('export default "x"');
    }
    expect((await app.request(`/widget/${w.version}/widget/i18n/de-nope.js`)).status).toBe(404);
  });

  it('never answers a version with other bytes: another build is a 404 naming the current one', async () => {
    const app = widgetRoutes({ widgetFile: file });
    const before = await widgetAsset(file);
    await writeFile(file, `${bundle};/*rebuilt*/`);
    await utimes(file, new Date(), new Date(Date.now() + 5_000)); // a new mtime even on a coarse clock
    const after = await widgetAsset(file);
    expect(after.version).not.toBe(before.version);
    const old = await app.request(before.path);
    expect(old.status).toBe(404);
    expect(old.headers.get('cache-control')).toBe('no-store');
    expect(((await old.json()) as { error: { message: string } }).error.message).toContain(after.path);
    const now = await app.request(after.path);
    expect(now.status).toBe(200);
    expect(await now.text()).toBe(`${bundle};/*rebuilt*/`);
    expect((await app.request('/widget/0123456789abcdeX/widget.js')).status).toBe(404);
  });

  it('says how to build the widget when it is missing', async () => {
    const app = widgetRoutes({ widgetFile: join(dir, 'missing.js') });
    for (const path of ['/widget.js', '/widget/0123456789abcdef/widget.js']) {
      const r = await app.request(path);
      expect(r.status).toBe(404);
      expect(((await r.json()) as { error: { message: string } }).error.message).toMatch(/not built/);
    }
  });
});
