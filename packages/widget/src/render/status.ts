// The element's states in place of the list or above it: the loading skeleton and the error banner with its retry
// button. Never offers a retry that cannot help (a config error, an expired token that nothing renews).
import { html, nothing, type TemplateResult } from 'lit';
import type { Messages } from '../i18n.js';
import type { Problem } from '../problem.js';

export const renderSkeleton = (m: Messages): TemplateResult =>
  html`<div part="skeleton"><span class="sr">${m.loading}</span><div class="sk"></div><div class="sk"></div></div>`;

/** @param renewable the page gave a fetchToken, so an expired token can be replaced and a retry can help */
export const renderProblem = (p: Problem, m: Messages, renewable: boolean, retry: () => void): TemplateResult =>
  html`<div part="error" role="alert">
    <p class="err">${p.code === 'config' ? '' : m.loadError} ${p.message}</p>
    ${p.code !== 'config' && (p.code !== 'token_expired' || renewable)
      ? html`<button part="retry" type="button" @click=${retry}>${m.retry}</button>`
      : nothing}
  </div>`;
