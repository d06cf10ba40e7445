// The Berke sandbox's candidate pages and anonymous report page: plain forms, no script. Pure functions.
import { escapeXml as esc } from './wire.js';

export const PAGE_HEADERS = { 'Content-Security-Policy': "default-src 'none'; img-src 'self'", 'Cache-Control': 'no-store' };

export const layout = (title: string, body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title></head>` +
  `<body><main><h1>${esc(title)}</h1>${body}</main></body></html>`;

const button = (action: string, label: string, name: string) =>
  `<form method="post" action="${esc(action)}"><button type="submit" name="${name}">${esc(label)}</button></form>`;

/** The assessment page of a candidate who has not finished yet. */
export function assessPage(c: { invitationCode: string; firstName: string; lastName: string; statusId: number; percent: number }): string {
  const base = `/assess/${c.invitationCode}`;
  const actions =
    c.statusId === 5
      ? button(`${base}/start`, 'Start assessment', 'start')
      : button(`${base}/progress`, 'Answer next section', 'progress') + button(`${base}/finish`, 'Finish assessment', 'finish');
  const status = c.statusId === 5 ? 'Not started' : `In progress: ${c.percent}% complete`;
  return layout(
    'Berke Assessment (sandbox)',
    `<p>Welcome, ${esc(c.firstName)} ${esc(c.lastName)}.</p><p id="status">${status}</p>${actions}`,
  );
}

export function reportPage(jobName: string, c: { firstName: string; lastName: string }, fit: { fit: string; fitPct: number }): string {
  return layout(
    `Job Fit Report: ${jobName}`,
    `<p>${esc(c.firstName)} ${esc(c.lastName)}</p><p>Fit: ${esc(fit.fit)} (${Math.round(fit.fitPct * 100)}%)</p>`,
  );
}
