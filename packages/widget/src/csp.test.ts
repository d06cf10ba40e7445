// Loads the widget into a page with a strict Content-Security-Policy (no inline scripts or styles, no eval)
// and checks that it renders, styled, without a single CSP violation.
import { waitUntil } from '@open-wc/testing';
import { afterEach, expect, it } from 'vitest';
import { API, FakeBff, makeToken } from '../testing/fake-bff.js';

const POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'";
let iframe: HTMLIFrameElement | undefined;

afterEach(() => iframe?.remove());

it('renders under a strict CSP (script-src/style-src self, no unsafe-inline, no unsafe-eval) without violations', async () => {
  const entry = new URL('./bundle.ts', import.meta.url).href;
  iframe = document.createElement('iframe');
  iframe.srcdoc = `<!doctype html><html lang="en"><head><meta http-equiv="Content-Security-Policy" content="${POLICY}">
    <script type="module" src="${entry}"></script></head><body></body></html>`;
  document.body.append(iframe);
  await waitUntil(() => iframe!.contentWindow?.customElements?.get('candidate-assessment'), 'the module did not load', { timeout: 10_000 });
  const win = iframe.contentWindow as Window & typeof globalThis;
  const doc = iframe.contentDocument!;
  const violations: string[] = [];
  doc.addEventListener('securitypolicyviolation', (e) => violations.push(`${e.violatedDirective} ${e.blockedURI}`));

  const bff = new FakeBff();
  win.fetch = bff.fetch;
  const token = makeToken();
  bff.valid.add(token);
  const el = doc.createElement('candidate-assessment');
  el.setAttribute('api', API);
  el.setAttribute('token', token);
  doc.body.append(el);
  await waitUntil(() => el.shadowRoot?.querySelector('[part~="list"]'), 'the widget did not render', { timeout: 5000 });

  expect(el.shadowRoot!.adoptedStyleSheets.length).toBeGreaterThan(0);
  expect(el.shadowRoot!.querySelector('style')).toBeNull();
  expect(win.getComputedStyle(el.shadowRoot!.querySelector('[part~="base"]')!).borderTopLeftRadius).toBe('8px');
  expect(doc.head.querySelectorAll('style')).toHaveLength(0);
  expect(violations).toEqual([]);
});
