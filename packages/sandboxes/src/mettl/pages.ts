// The Mettl sandbox's candidate-facing pages: plain HTML forms, no script. Pure functions of what they show.
import { escapeHtml as esc } from '../html.js';

export const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'";

export function layout(title: string, inner: string): string {
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>` +
    `<style>body{font:16px system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem}` +
    `button{font:inherit;padding:.5rem 1rem;margin:.25rem 0}</style></head>` +
    `<body><p>Mettl sandbox</p><h1>${esc(title)}</h1>${inner}</body></html>`
  );
}

export interface TakeView {
  sid: string;
  name: string;
  status: 'ToBeTaken' | 'InProgress' | 'Completed';
  completionMode: string | null;
}

/** The test page of a session: start, finish or let the timer run out, depending on the candidate's state. */
export function takePage(v: TakeView): string {
  const action = (name: string, label: string) =>
    `<form method="post" action="/take/${esc(v.sid)}/${name}"><button type="submit" name="go" value="${name}">${esc(label)}</button></form>`;
  const state =
    v.status === 'ToBeTaken'
      ? `<p>Ready when you are.</p>${action('start', 'Start test')}`
      : v.status === 'InProgress'
        ? `<p>Your test is in progress.</p>${action('finish', 'Finish test')}${action('expire', 'Let the timer run out')}`
        : v.completionMode === 'Expired'
          ? '<p>Your time ran out. Contact the recruiter to resume the test.</p>'
          : '<p>You have finished the test. You can close this window.</p>';
  return `<p>Candidate: ${esc(v.name)}</p><p>Status: <strong>${esc(v.status)}</strong></p>${state}`;
}

export function reportPage(g: { marks: number; max: number; credibility: string; sections: { name: string; marks: number; max: number }[] }): string {
  const rows = g.sections.map((s) => `<li>${esc(s.name)}: ${s.marks} / ${s.max}</li>`).join('');
  return `<p>Marks: ${g.marks} / ${g.max}</p><p>Credibility: ${esc(g.credibility)}</p><ul>${rows}</ul>`;
}
