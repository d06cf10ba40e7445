// An order's result for the recruiter: score, band, pass, fit, flags, sub-scores, job fits and the report link.
// Never rendered in the candidate view (the BFF leaves results out of what a candidate's token reads, too).
import { html, nothing, type TemplateResult } from 'lit';
import type { Order } from '@ca/shared';
import type { LinkController } from '../controllers/link-controller.js';
import type { Locale } from '../i18n.js';

/** "18 / 25" kept left to right, or an RTL page would show "25 / 18". */
const ratio = (a: string, b: string): TemplateResult => html`<span dir="ltr">${a} / ${b}</span>`;

export const renderResult = (links: LinkController, o: Order, loc: Locale): TemplateResult | typeof nothing => {
  const r = o.result;
  if (!r) return nothing;
  const { m, number: n, pct } = loc;
  const fits = [...r.jobFits].sort((a, b) => Number(b.primary) - Number(a.primary) || (b.fitPct ?? -1) - (a.fitPct ?? -1));
  return html`<div part="result" class="result">
    <dl>
      ${r.score != null ? html`<div><dt>${m.score}</dt><dd>${ratio(n(r.score), n(r.maxScore ?? 100))}</dd></div>` : nothing}
      ${r.band ? html`<div><dt>${m.band}</dt><dd>${r.band}</dd></div>` : nothing}
      ${r.passed != null ? html`<div><dt>${m.passed}</dt><dd>${r.passed ? m.passed : m.notPassed}</dd></div>` : nothing}
      ${r.level ? html`<div><dt>${m.fit}</dt><dd>${m[r.level]}</dd></div>` : nothing}
    </dl>
    ${r.flags.length
      ? html`<ul class="flags">
          ${r.flags.map(
            (f) =>
              html`<li class="flag ${f.severity}" data-code=${f.code}>
                ${f.severity === 'warning' ? '⚠ ' : ''}${f.label}${f.value != null && f.value !== '' ? html`: ${String(f.value)}` : nothing}
              </li>`,
          )}
        </ul>`
      : nothing}
    ${r.subScores.length
      ? html`<h3>${m.subScores}</h3>
          <ul class="subs">
            ${r.subScores.map((s) => html`<li>${s.label}: ${s.max != null ? ratio(n(s.value), n(s.max)) : n(s.value)}</li>`)}
          </ul>`
      : nothing}
    ${fits.length
      ? html`<h3>${m.jobFits}</h3>
          <ul class="fits">
            ${fits.map(
              (f) =>
                html`<li class=${f.primary ? 'primary' : ''}>
                  ${f.job}${f.fitPct != null ? html`: ${pct(f.fitPct)}` : nothing}${f.level ? html` · ${m[f.level]}` : nothing}${f.primary
                    ? html` (${m.primary})`
                    : nothing}
                </li>`,
            )}
          </ul>`
      : nothing}
    ${r.reportAvailable ? html`<div class="actions">${links.render(o, 'report', m.report, m)}</div>` : nothing}
  </div>`;
};
