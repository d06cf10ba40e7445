// The recruiter's "Send assessment" form: the catalog's packages, the button, and why the last order was refused.
// Never places an order itself: the element's submit handler does, with one idempotency key per intent.
import { html, nothing, type TemplateResult } from 'lit';
import type { Package } from '@ca/shared';
import type { Messages } from '../i18n.js';

/**
 * @param selected the chosen package's id
 * @param sending an order is on its way (the button says so and refuses another)
 * @param sendError why the last order failed, in words ('' when it did not)
 */
export const renderCatalog = (
  m: Messages,
  packages: Package[],
  selected: string,
  sending: boolean,
  sendError: string,
  onSend: (e: Event) => void,
  onSelect: (e: Event) => void,
): TemplateResult =>
  html`<form part="catalog" @submit=${onSend}>
    <label for="pkg">${m.pkg}</label>
    <select id="pkg" part="package-select" .value=${selected} @change=${onSelect}>
      ${packages.map((p) => html`<option value=${p.id} ?selected=${p.id === selected}>${p.name} · ${p.vendorName ?? p.vendor}</option>`)}
    </select>
    <button part="send" type="submit" aria-disabled=${sending || !selected}>
      ${sending ? m.sending : m.send}
    </button>
    ${sendError ? html`<p part="send-error" class="err" role="alert">${sendError}</p>` : nothing}
  </form>`;
