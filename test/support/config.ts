// Config objects for multi-process tests: one tenant `acme` with the given vendors and packages.
export const API_KEY = 'e2e-api-key-acme-0123456789';
export const WIDGET_KEY = 'e2e-widget-key-acme-0123456789abcdef';

export function acmeConfig(o: { port: number; database: string; vendors: Record<string, unknown>; packages: unknown[]; publicUrl?: string; allowedOrigins?: string[] }) {
  return {
    publicUrl: o.publicUrl ?? `http://127.0.0.1:${o.port}`,
    listen: { host: '127.0.0.1', port: o.port },
    database: o.database,
    log: { level: 'info' },
    tenants: {
      acme: {
        name: 'Acme Corp',
        allowedOrigins: o.allowedOrigins ?? ['http://127.0.0.1:5173'],
        apiKeys: [API_KEY],
        widgetKeys: { k1: WIDGET_KEY },
        vendors: o.vendors,
        packages: o.packages,
      },
    },
  };
}

export async function api(url: string, path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (!headers.has('authorization')) headers.set('Authorization', `Bearer ${API_KEY}`);
  if (init.body && !headers.has('content-type')) headers.set('Content-Type', 'application/json');
  return fetch(`${url}${path}`, { ...init, headers });
}

export async function waitFor<T>(fn: () => Promise<T | undefined | null | false>, timeoutMs = 20_000, what = 'condition'): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
