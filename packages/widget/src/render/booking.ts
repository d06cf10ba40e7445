// An order's exam booking: time in the booking's own zone, the zone, place and mode. Never converts the time to
// the viewer's zone silently (the zone is always shown beside it).
import { html, nothing, type TemplateResult } from 'lit';
import type { Order } from '@ca/shared';
import type { Locale } from '../i18n.js';

export const renderBooking = (b: NonNullable<Order['booking']>, loc: Locale): TemplateResult => {
  const { m } = loc;
  const extra = [b.location, b.deliveryMode ? m[b.deliveryMode] : ''].filter(Boolean).join(' · ');
  // A cancelled booking stays visible to say so; the candidate may book again (the order is open).
  return html`<p part="booking" class="booking${b.cancelled ? ' cancelled' : ''}">
    ${b.cancelled ? m.bookingCancelled : m.booking}: <time datetime=${b.startsAt}>${loc.dateTime(b.startsAt, b.timeZone)}</time>
    <span class="muted">(${b.timeZone})</span>${extra ? html` · ${extra}` : nothing}
  </p>`;
};
