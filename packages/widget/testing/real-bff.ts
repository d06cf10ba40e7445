// The page's side of real-bff.global.ts: a browser test file starts a real BFF of its own and drives it (tokens,
// vendor status changes, following a link) through the control server. Test-only.
import { inject } from 'vitest';

export interface RealBff {
  /** The BFF's origin, allowing this page's. */
  url: string;
  /** Calls a control operation (`token`, `advance`, `follow`) on this file's BFF. */
  control<T>(op: string, body?: Record<string, unknown>): Promise<T>;
  stop(): Promise<void>;
}

async function call<T>(op: string, body: Record<string, unknown>): Promise<T> {
  const res = await fetch(`${inject('bffControl')}/${op}`, { method: 'POST', body: JSON.stringify(body) });
  const out = (await res.json()) as T & { error?: string };
  if (!res.ok) throw new Error(out.error);
  return out;
}

/** Starts a BFF (its own port and database) that allows this page's origin, or only `allowOrigin` when given. */
export async function startRealBff(o: { allowOrigin?: string } = {}): Promise<RealBff> {
  const { url, session } = await call<{ url: string; session: string }>('start', { origin: o.allowOrigin ?? location.origin });
  return {
    url,
    control: (op, body = {}) => call(op, { ...body, session }),
    stop: () => call<unknown>('stop', { session }).then(() => undefined),
  };
}
