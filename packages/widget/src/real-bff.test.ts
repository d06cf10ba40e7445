// The widget in Chromium against a REAL BFF (HTTP, CORS, SSE, link tickets; in-memory vendor), from another origin.
// Proves the wire contract end to end at component level; the demo's end-to-end tests live in /test.
import type { Order } from '@ca/shared';
import { waitUntil } from '@open-wc/testing';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { userEvent } from 'vitest/browser';
import './candidate-assessment.js';
import type { CandidateAssessment } from './candidate-assessment.component.js';
import type { CaStatusChangeDetail } from './events.js';

const control = async <T,>(op: string, body: Record<string, unknown> = {}): Promise<T> => {
  const res = await fetch(`${inject('bffControl')}/${op}`, { method: 'POST', body: JSON.stringify(body) });
  const out = (await res.json()) as T & { error?: string };
  if (!res.ok) throw new Error(out.error);
  return out;
};
const token = (role: 'recruiter' | 'candidate') => control<{ token: string }>('token', { role }).then((r) => r.token);

const part = (el: Element, name: string): HTMLElement | null => el.shadowRoot!.querySelector(`[part~="${name}"]`);
const text = (n: Element | null | undefined): string => (n?.textContent ?? '').replace(/\s+/g, ' ').trim();

let api = '';
const elements: HTMLElement[] = [];

beforeAll(async () => {
  ({ url: api } = await control<{ url: string }>('start', { origin: location.origin }));
});

afterAll(async () => {
  for (const el of elements) el.remove();
  await control('stop');
});

function mount(role: 'recruiter' | 'candidate', fetchToken: () => Promise<string>): CandidateAssessment {
  const el = document.createElement('candidate-assessment');
  el.setAttribute('api', api);
  el.fetchToken = fetchToken;
  document.body.append(el);
  elements.push(el);
  return el;
}

describe('against a real BFF', () => {
  it('orders, follows the order live in both views, launches and shows the result', async () => {
    const recruiterToken = vi.fn(() => token('recruiter'));
    const recruiter = mount('recruiter', recruiterToken);
    const candidate = mount('candidate', () => token('candidate'));
    await waitUntil(() => part(recruiter, 'empty') && part(candidate, 'empty'), 'no empty state', { timeout: 10_000 });
    await waitUntil(() => text(part(recruiter, 'connection')) === 'Live', 'stream not live', { timeout: 10_000 });
    expect(recruiterToken).toHaveBeenCalledTimes(1);

    const changes: CaStatusChangeDetail[] = [];
    recruiter.addEventListener('ca-status-change', (e) => changes.push(e.detail));
    await waitUntil(() => (part(recruiter, 'package-select') as HTMLSelectElement | null)?.options.length === 2);
    await userEvent.dblClick(part(recruiter, 'send')!);

    // The vendor invites the candidate; the change arrives over SSE in both widgets.
    await waitUntil(() => text(part(recruiter, 'badge')) === 'Invited', 'recruiter did not see Invited', { timeout: 10_000 });
    await waitUntil(() => text(part(candidate, 'badge')) === 'Invited', 'candidate did not see Invited', { timeout: 10_000 });
    expect(recruiter.shadowRoot!.querySelectorAll('[part~="order"]')).toHaveLength(1);
    expect(changes.at(-1)!.previous).toBe('requested');
    const order = changes.at(-1)!.order as Order;
    expect(order.packageName).toBe('Sales personality');

    // Launch: the link carries a real single-use ticket that redirects to the vendor.
    const launch = part(candidate, 'launch') as HTMLAnchorElement;
    await userEvent.hover(launch);
    await waitUntil(() => launch.href.startsWith(api), 'no launch ticket', { timeout: 5000 });
    const hop = await control<{ status: number; location: string }>('follow', { url: launch.href });
    expect(hop.status).toBe(302);
    expect(hop.location).toMatch(/^https:\/\/vendor\.example\/launch\//);

    await control('advance', {
      orderId: order.id,
      status: 'scored',
      result: {
        score: 81,
        maxScore: 100,
        band: 'B',
        passed: true,
        level: 'high',
        subScores: [],
        flags: [],
        jobFits: [{ job: 'Sales Representative', fitPct: 88, level: 'high', primary: true }],
        reportAvailable: true,
      },
    });
    await waitUntil(() => text(part(recruiter, 'badge')) === 'Results ready', 'no result', { timeout: 10_000 });
    expect(text(part(recruiter, 'result'))).toContain('81 / 100');
    expect(text(part(recruiter, 'result'))).toContain('Sales Representative: 88% · high (primary)');
    await waitUntil(() => text(part(candidate, 'completed')) === '✓ Completed');
    expect(part(candidate, 'result')).toBeNull();
    expect(text(candidate.shadowRoot!.querySelector('ul'))).not.toContain('81');
  });

  it('embeds the built /widget.js from the BFF origin into a page with a strict CSP', async () => {
    const t = await token('candidate');
    const policy = `default-src 'none'; script-src ${api}; connect-src ${api}; style-src 'none'; img-src 'none'`;
    const iframe = document.createElement('iframe');
    elements.push(iframe);
    iframe.srcdoc = `<!doctype html><html lang="en"><head><meta http-equiv="Content-Security-Policy" content="${policy}">
      <script type="module" src="${api}/widget.js"></script></head><body></body></html>`;
    document.body.append(iframe);
    await waitUntil(() => iframe.contentWindow?.customElements?.get('candidate-assessment'), 'widget.js did not load', { timeout: 10_000 });
    const doc = iframe.contentDocument!;
    const violations: string[] = [];
    doc.addEventListener('securitypolicyviolation', (e) => violations.push(`${e.violatedDirective} ${e.blockedURI}`));
    const el = doc.createElement('candidate-assessment');
    el.setAttribute('api', api);
    el.setAttribute('token', t);
    doc.body.append(el);
    await waitUntil(() => text(part(el, 'connection')) === 'Live', 'not live', { timeout: 10_000 });
    expect(text(part(el, 'completed'))).toBe('✓ Completed');
    expect(iframe.contentWindow!.getComputedStyle(part(el, 'base')!).borderTopLeftRadius).toBe('8px');
    expect(violations).toEqual([]);
  });
});
