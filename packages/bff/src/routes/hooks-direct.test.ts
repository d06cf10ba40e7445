// Which notifications take the direct path (hooks.ts hookDirect) and what it hands the delivery service and
// answers; input.test.ts checks over HTTP that it answers as the app's Hono route does.
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { InboundDelivery } from '../deliveries/service.js';
import { AppError } from '../errors.js';
import { createMetrics } from '../metrics.js';
import type { RouteDeps } from './context.js';
import { hookDirect } from './hooks.js';
import { createRequestObserver } from './pipeline.js';

function direct(receive: (d: InboundDelivery) => Promise<string>) {
  const metrics = createMetrics();
  const log = pino({ level: 'silent' });
  const deps = { config: { tenants: { acme: {} } }, deliveries: { receive }, log, metrics } as unknown as RouteDeps;
  return { handle: hookDirect(deps, createRequestObserver(metrics, log)), metrics };
}

const req = (method: string, path: string, body?: string) =>
  new Request(`http://127.0.0.1:8787${path}`, { method, headers: { 'content-type': 'application/json', authorization: 'Bearer x' }, ...(body === undefined ? {} : { body }) });

describe('the notifications direct path', () => {
  it('takes POST and PUT to a plain path of a known tenant, and leaves everything else to the app', () => {
    const { handle } = direct(async () => 'applied');
    expect(handle(req('PUT', '/hooks/psi/acme', '{}'), undefined)).toBeInstanceOf(Promise);
    expect(handle(req('POST', '/hooks/mettl/acme', '{}'), undefined)).toBeInstanceOf(Promise);
    for (const [method, path] of [
      ['GET', '/hooks/psi/acme'],
      ['PATCH', '/hooks/psi/acme'],
      ['PUT', '/hooks/psi/acme?'],
      ['POST', '/hooks/mettl/acme?event=resume'],
      ['PUT', '/hooks/psi/acme/'],
      ['PUT', '/hooks/ps%69/acme'],
      ['PUT', '/hooks/psi/globex'],
      ['PUT', '/hooks/Psi/acme'],
      ['PUT', '/hooks/psi/acme/ticket'],
      ['PUT', '/HOOKS/psi/acme'],
      ['PUT', '/v1/hooks/psi/acme'],
    ] as const) {
      expect(handle(req(method, path, method === 'GET' ? undefined : '{}'), undefined), `${method} ${path}`).toBeUndefined();
    }
  });

  it('hands the delivery service the request and answers its outcome as the route does', async () => {
    let got: InboundDelivery | undefined;
    const { handle, metrics } = direct(async (d) => {
      got = d;
      return `${await d.readBody()} read`;
    });
    const res = await handle(req('PUT', '/hooks/psi/acme', '{"a":1}'), undefined)!;
    expect(got).toMatchObject({ tenantId: 'acme', vendor: 'psi', method: 'PUT', path: '/hooks/psi/acme' });
    expect(got!.headers.get('authorization')).toBe('Bearer x');
    expect([...got!.query]).toEqual([]);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('{"ok":true,"outcome":"{\\"a\\":1} read"}');
    expect(Object.fromEntries(res.headers)).toEqual({
      'content-length': '38',
      'content-type': 'application/json',
      'referrer-policy': 'strict-origin-when-cross-origin',
      'x-content-type-options': 'nosniff',
    });
    expect(await metrics.registry.getSingleMetricAsString('ca_http_requests_total')).toContain('ca_http_requests_total{method="PUT",route="/hooks/:vendor/:tenant",status="200"} 1');
  });

  it('answers a refusal with its error, challenge included, and an unexpected error with a 500 that says nothing', async () => {
    const refused = direct(async () => {
      throw new AppError('webhook_unauthorized', 401, 'No.', { challenge: 'Bearer realm="hooks"' });
    });
    const res = await refused.handle(req('POST', '/hooks/psi/acme', '{}'), undefined)!;
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="hooks"');
    expect(await res.json()).toEqual({ error: { code: 'webhook_unauthorized', message: 'No.' } });
    const broken = direct(async () => {
      throw new Error('database on fire');
    });
    const res500 = await broken.handle(req('POST', '/hooks/psi/acme', '{}'), undefined)!;
    expect(res500.status).toBe(500);
    expect(await res500.text()).not.toMatch(/fire/);
  });
});
