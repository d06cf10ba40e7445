// The list of orders, newest first as the element keeps them, or the empty state. Never sorts or filters: what
// the element holds is what is shown.
import { html, type TemplateResult } from 'lit';
import type { Order } from '@ca/shared';
import type { Messages } from '../i18n.js';

export const renderOrderList = (orders: Order[], m: Messages, renderOrder: (o: Order) => unknown): TemplateResult =>
  orders.length
    ? html`<ul part="list">
        ${orders.map(renderOrder)}
      </ul>`
    : html`<p part="empty" class="empty">${m.empty}</p>`;
