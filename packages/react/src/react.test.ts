// <CandidateAssessment> rendered by react-dom in real Chromium against a real BFF: props reach the element as
// properties, its events reach the typed callbacks, handlers can change between renders, unmounting removes it.
import type { Order } from '@ca/shared';
import { createElement } from 'react';
import { flushSync } from 'react-dom';
import { createRoot, type Root } from 'react-dom/client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startRealBff, type RealBff } from '../../widget/testing/real-bff.js';
import { CandidateAssessment, type CaErrorDetail, type CaOrderCreatedDetail, type CaReadyDetail, type CaStatusChangeDetail } from './index.js';

let bff: RealBff;
const control = <T>(op: string, body: Record<string, unknown> = {}): Promise<T> => bff.control<T>(op, body);
const until = async (ok: () => boolean, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
};

describe('<CandidateAssessment> (React)', () => {
  // The real BFF, started once before the tests (not inside the first one's 20 s, which a loaded machine spent on it;
  // hookTimeout in packages/widget/vitest.config.ts, whose project runs these tests).
  let url = '';
  beforeAll(async () => {
    bff = await startRealBff();
    url = bff.url;
  });
  afterAll(async () => {
    await bff?.stop();
  });
  let root: Root | undefined;
  let host: HTMLElement | undefined;
  afterEach(() => {
    root?.unmount();
    host?.remove();
  });
  const mount = (props: Parameters<typeof createElement<Record<string, unknown>>>[1]) => {
    host = document.createElement('div');
    document.body.append(host);
    root = createRoot(host);
    flushSync(() => root!.render(createElement(CandidateAssessment, props as never)));
    return host.querySelector('candidate-assessment')!;
  };

  it('passes fetchToken as a property and calls onReady, onOrderCreated and onStatusChange with typed details', async () => {
    const candidateId = `react-${Date.now()}`;
    let tokenCalls = 0;
    const fetchToken = async () => {
      tokenCalls += 1;
      return (await control<{ token: string }>('token', { role: 'recruiter', candidateId })).token;
    };
    const ready: CaReadyDetail[] = [];
    const created: CaOrderCreatedDetail[] = [];
    const changes: CaStatusChangeDetail[] = [];
    const el = mount({ api: url, lang: 'en', fetchToken, onReady: (e: CustomEvent<CaReadyDetail>) => ready.push(e.detail), onOrderCreated: (e: CustomEvent<CaOrderCreatedDetail>) => created.push(e.detail), onStatusChange: (e: CustomEvent<CaStatusChangeDetail>) => changes.push(e.detail) });
    expect(el.fetchToken).toBe(fetchToken);
    expect(el.hasAttribute('fetchtoken')).toBe(false);
    expect(el.getAttribute('api') ?? el.api).toBe(url);
    await until(() => ready.length === 1);
    expect(ready[0]).toEqual({ orders: 0 });
    expect(tokenCalls).toBeGreaterThanOrEqual(1);

    // An order placed by the ATS back end arrives on the stream; then the vendor moves it on.
    const tok = (await control<{ token: string }>('token', { role: 'recruiter', candidateId })).token;
    const res = await fetch(`${url}/v1/orders`, { method: 'POST', headers: { Authorization: `Bearer ${tok}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ packageId: 'sales' }) });
    const { order } = (await res.json()) as { order: Order };
    await until(() => created.some((c) => c.order.id === order.id));
    await until(() => changes.some((c) => c.order.id === order.id && c.order.status === 'invited'));
    await control('advance', { orderId: order.id, status: 'in_progress' });
    await until(() => changes.some((c) => c.order.id === order.id && c.order.status === 'in_progress'));
    expect(changes.find((c) => c.order.status === 'in_progress')?.previous).toBe('invited');
  });

  it('swaps event handlers between renders and calls onError for a widget without api', async () => {
    const first: CaErrorDetail[] = [];
    const second: CaErrorDetail[] = [];
    const el = mount({ onError: (e: CustomEvent<CaErrorDetail>) => first.push(e.detail), token: 'x' });
    await until(() => first.length === 1);
    expect(first[0]!.code).toBe('config');
    flushSync(() => root!.render(createElement(CandidateAssessment, { onError: (e: CustomEvent<CaErrorDetail>) => second.push(e.detail), token: 'y' } as never)));
    el.dispatchEvent(new CustomEvent('ca-error', { detail: { code: 'network', message: 'm' }, bubbles: true, composed: true }));
    expect(second.map((d) => d.code)).toContain('network');
    expect(first.map((d) => d.code)).not.toContain('network');
    root!.unmount();
    root = undefined;
    expect(host!.querySelector('candidate-assessment')).toBeNull();
  });
});
