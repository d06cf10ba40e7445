// The pymetrics sandbox's candidate (games) page and report page: plain forms only, no script at all.
import { escapeHtml as esc } from '../html.js';
import type { SandboxStatus } from './wire.js';

export const PAGE_CSP = "default-src 'none'; form-action 'self'; base-uri 'none'";

export const layout = (title: string, body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title></head>` +
  `<body><main><h1>${esc(title)}</h1>${body}</main></body></html>`;

interface OrderView {
  orderId: string;
  firstName: string;
  lastName: string;
  status: SandboxStatus;
  resultsReady: boolean;
  result: { fitscore: number; band: string; passed: boolean };
}

/** The invitation page: the next step the candidate can take, as a form posting to `/invite/sc.<token>/<step>`. */
export function candidatePage(token: string, o: OrderView): string {
  const form = (s: string, label: string) =>
    `<form method="post" action="/invite/sc.${token}/${s}"><button type="submit" name="step" value="${s}">${esc(label)}</button></form>`;
  const next: Partial<Record<SandboxStatus, string>> = {
    PENDING: `<p>pymetrics has not approved this invitation yet.</p>${form('accept', 'Approve invitation (sandbox)')}`,
    ACCEPTED: form('register', 'Create my account'),
    NOT_STARTED: form('start', 'Start the games'),
    IN_PROGRESS: form('complete', 'Finish the games'),
    COMPLETED: '<p>Thank you, you have finished. You can close this page.</p>',
    FULFILLED: '<p>Thank you, you have finished. You can close this page.</p>',
  };
  return (
    `<p>Hello ${esc(o.firstName)} ${esc(o.lastName)}.</p>` +
    `<p>Order <span id="order-id">${esc(o.orderId)}</span>, status <strong id="status">${o.status}</strong>.</p>` +
    (next[o.status] ?? '')
  );
}

export function reportPage(o: OrderView): string {
  const r = o.resultsReady
    ? `<dl><dt>Fit score</dt><dd id="fitscore">${o.result.fitscore.toFixed(1)}</dd><dt>Band</dt><dd id="band">${esc(o.result.band)}</dd>` +
      `<dt>Passed</dt><dd id="passed">${o.result.passed}</dd></dl>`
    : '<p>Results are not ready yet.</p>';
  return `<p>${esc(o.firstName)} ${esc(o.lastName)}, order ${esc(o.orderId)}</p>${r}`;
}
