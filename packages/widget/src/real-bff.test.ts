// The widget in Chromium against a REAL BFF (HTTP, CORS, SSE, link tickets; in-memory vendor), from another origin.
// Proves the wire contract end to end at component level; the demo's end-to-end tests live in /test.
import type { Order } from '@ca/shared';
import { waitUntil } from '@open-wc/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { userEvent } from 'vitest/browser';
import './candidate-assessment.js';
import type { CandidateAssessment } from './candidate-assessment.component.js';
import type { CaStatusChangeDetail } from './events.js';
import { startRealBff, type RealBff } from '../testing/real-bff.js';

let bff: RealBff;
const control = <T,>(op: string, body: Record<string, unknown> = {}): Promise<T> => bff.control<T>(op, body);
const token = (role: 'recruiter' | 'candidate', more: { candidateId?: string; expiresIn?: number } = {}) =>
  control<{ token: string }>('token', { role, ...more }).then((r) => r.token);

const part = (el: Element, name: string): HTMLElement | null => el.shadowRoot!.querySelector(`[part~="${name}"]`);
const text = (n: Element | null | undefined): string => (n?.textContent ?? '').replace(/\s+/g, ' ').trim();

let api = '';
const elements: HTMLElement[] = [];

beforeAll(async () => {
  bff = await startRealBff();
  api = bff.url;
});

// Each widget holds an event stream open: remove them after each test, or Chromium's six connections per host run out.
afterEach(() => {
  for (const el of elements.splice(0)) el.remove();
});

afterAll(async () => {
  await bff?.stop();
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

  it('renews an expired token after the BFF answers 401 across origins, tries a failed fetchToken again, and the stream resumes', async () => {
    const candidateId = 'cand-expiry';
    // The BFF accepts a token up to 30 s past exp: this one is refused about 3 s from now.
    const expiring = await token('recruiter', { candidateId, expiresIn: -27 });
    const calls: string[] = [];
    const fetchToken = vi.fn(async () => {
      calls.push(new Date().toISOString());
      if (calls.length === 1) return expiring;
      if (calls.length === 2) throw new Error('the ATS is briefly down');
      return token('recruiter', { candidateId });
    });
    const el = mount('recruiter', fetchToken);
    await waitUntil(() => part(el, 'empty'), 'no empty state', { timeout: 10_000 });

    // Once the BFF refuses the token (about 3 s from now): a cross-origin 401 is readable (CORS headers on errors), so
    // the widget can tell it from a network failure.
    let refused: Response | undefined;
    const stillAccepted = async () => (refused = await fetch(`${api}/v1/orders`, { headers: { Authorization: `Bearer ${expiring}` } })).status === 200;
    await waitUntil(async () => !(await stillAccepted()), 'the BFF still accepts the expired token', { timeout: 15_000, interval: 250 });
    expect(refused!.status).toBe(401);
    expect(((await refused!.json()) as { error: { code: string } }).error.code).toBe('token_expired');

    await waitUntil(() => fetchToken.mock.calls.length >= 3, 'fetchToken was not called again', { timeout: 15_000 });
    await waitUntil(() => text(part(el, 'connection')) === 'Live', 'the stream did not resume', { timeout: 10_000 });
    await waitUntil(() => (part(el, 'package-select') as HTMLSelectElement | null)?.options.length === 2);
    await userEvent.click(part(el, 'send')!);
    // "Invited" only arrives over the stream (the order is answered as requested).
    await waitUntil(() => text(part(el, 'badge')) === 'Invited', 'no live update after the renewal', { timeout: 10_000 });
    expect(part(el, 'error')).toBeNull();
  });

  it('keeps the recruiter view’s results when a candidate view of the same candidate connected first', async () => {
    const candidateId = 'cand-two-views';
    const candidate = mount('candidate', () => token('candidate', { candidateId }));
    await waitUntil(() => text(part(candidate, 'connection')) === 'Live', 'candidate not live', { timeout: 10_000 });
    const recruiter = mount('recruiter', () => token('recruiter', { candidateId }));
    await waitUntil(() => text(part(recruiter, 'connection')) === 'Live', 'recruiter not live', { timeout: 10_000 });
    await waitUntil(() => (part(recruiter, 'package-select') as HTMLSelectElement | null)?.options.length === 2);
    await userEvent.click(part(recruiter, 'send')!);
    await waitUntil(() => text(part(recruiter, 'badge')) === 'Invited', 'recruiter did not see Invited', { timeout: 10_000 });
    const id = part(recruiter, 'order')!.dataset.id!;
    await control('advance', {
      orderId: id,
      status: 'scored',
      result: { score: 67, maxScore: 100, subScores: [], flags: [], jobFits: [], reportAvailable: false },
    });
    await waitUntil(() => text(part(candidate, 'completed')) === '✓ Completed', 'candidate did not see it', { timeout: 10_000 });
    await waitUntil(() => text(part(recruiter, 'badge')) === 'Results ready', 'recruiter did not see it', { timeout: 10_000 });
    expect(text(part(recruiter, 'result'))).toContain('67 / 100');
    expect(part(candidate, 'result')).toBeNull();
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

  /** A page on another origin whose CSP allows `scriptSrc` only, loading widget.js from the BFF. */
  async function strictPage(scriptSrc: string): Promise<{ doc: Document; violations: string[] }> {
    const policy = `default-src 'none'; script-src ${scriptSrc}; connect-src ${api}; style-src 'none'; img-src 'none'`;
    const iframe = document.createElement('iframe');
    elements.push(iframe);
    iframe.srcdoc = `<!doctype html><html lang="en"><head><meta http-equiv="Content-Security-Policy" content="${policy}">
      <script type="module" src="${api}/widget.js"></script></head><body></body></html>`;
    document.body.append(iframe);
    await waitUntil(() => iframe.contentWindow?.customElements?.get('candidate-assessment'), 'widget.js did not load', { timeout: 10_000 });
    const doc = iframe.contentDocument!;
    const violations: string[] = [];
    doc.addEventListener('securitypolicyviolation', (e) => violations.push(`${e.violatedDirective} ${e.blockedURI}`));
    return { doc, violations };
  }

  it('fetches a language chunk from next to widget.js under a strict CSP (script-src the BFF only)', async () => {
    const { doc, violations } = await strictPage(api);
    const el = doc.createElement('candidate-assessment');
    el.setAttribute('api', api);
    el.setAttribute('lang', 'de');
    el.setAttribute('token', await token('recruiter'));
    doc.body.append(el);
    await waitUntil(() => text(part(el, 'title')) === 'Eignungstests', 'no German', { timeout: 10_000 });
    const chunk = (doc.defaultView!.performance.getEntriesByType('resource') as PerformanceResourceTiming[]).find((e) =>
      e.name.includes('/widget/i18n/de-'),
    );
    expect(chunk?.name).toMatch(new RegExp(`^${api}/widget/i18n/de-[\\w-]+\\.js$`));
    const res = await fetch(chunk!.name);
    expect(res.headers.get('cache-control')).toContain('immutable');
    expect(res.headers.get('content-type')).toContain('text/javascript');
    expect(violations).toEqual([]);
  });

  it('stays in English when a language chunk cannot load, and does not try it again and again', async () => {
    // The policy allows widget.js itself and nothing else, so the chunk is refused.
    const { doc, violations } = await strictPage(`${api}/widget.js`);
    const el = doc.createElement('candidate-assessment');
    el.setAttribute('api', api);
    el.setAttribute('lang', 'es');
    el.setAttribute('token', await token('recruiter'));
    doc.body.append(el);
    await waitUntil(() => part(el, 'list') || part(el, 'empty'), 'did not load', { timeout: 10_000 });
    expect(text(part(el, 'title'))).toBe('Assessments');
    expect(part(el, 'base')!.getAttribute('lang')).toBe('en');
    el.setAttribute('lang', 'en');
    await new Promise((r) => setTimeout(r, 50));
    el.setAttribute('lang', 'es');
    await new Promise((r) => setTimeout(r, 300));
    expect(text(part(el, 'title'))).toBe('Assessments');
    expect(violations.filter((v) => v.includes('/widget/i18n/es-'))).toHaveLength(1);
  });
});
