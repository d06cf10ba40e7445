// One order card: package and vendor, status badge, when it changed, progress, booking, refusal, then the
// recruiter's result and actions or the candidate's link. Never shows a result or a report in the candidate view.
import { html, nothing, type TemplateResult } from 'lit';
import type { Order, OrderStatus } from '@ca/shared';
import type { LinkController } from '../controllers/link-controller.js';
import type { Locale, Messages } from '../i18n.js';
import { explain } from '../problem.js';
import { renderBooking } from './booking.js';
import { renderResult } from './result.js';

/** A status in words; the candidate sees "Completed" where the recruiter sees "Results ready". */
export const statusLabel = (m: Messages, recruiter: boolean, s: OrderStatus): string => (!recruiter && s === 'scored' ? m.done : m[s]);

/** The candidate's part of an order: "Start assessment" / "Continue" while it can be taken, a mark once done. */
const renderCandidateAction = (links: LinkController, o: Order, m: Messages, done: boolean): TemplateResult | typeof nothing => {
  if (done) return html`<p part="completed" class="done">✓ ${m.done}</p>`;
  if (o.status !== 'invited' && o.status !== 'in_progress') return nothing;
  return html`<div class="actions">${links.render(o, 'launch', o.status === 'invited' ? m.start : m.resume, m)}</div>`;
};

/**
 * @param now the clock's time, for "changed 2 minutes ago"
 * @param acts the recruiter's action row of an order, once its chunk is loaded
 */
export const renderOrder = (
  o: Order,
  loc: Locale,
  recruiter: boolean,
  now: number,
  links: LinkController,
  acts?: (o: Order) => unknown,
): TemplateResult => {
  const { m, t, relative, dateTime } = loc;
  const done = o.status === 'completed' || o.status === 'scored';
  const showBadge = recruiter || !done;
  return html`<li part="order" class="order" tabindex="-1" data-id=${o.id} data-status=${o.status}>
    <div class="top">
      <span><span class="pkg">${o.packageName}</span> <span class="vendor">${o.vendorName ?? o.vendor}</span></span>
      ${showBadge ? html`<span part="badge" class="badge ${o.status}">${statusLabel(m, recruiter, o.status)}</span>` : nothing}
    </div>
    <p class="muted">
      <time datetime=${o.statusChangedAt} title=${dateTime(o.statusChangedAt)}
        >${t(m.changed, relative(o.statusChangedAt, now))}</time
      >
    </p>
    ${o.progress != null && o.status === 'in_progress'
      ? html`<progress part="progress" max="100" .value=${o.progress} aria-label=${m.progress}></progress>`
      : nothing}
    ${o.booking ? renderBooking(o.booking, loc) : nothing}
    ${o.error && o.status === 'failed' ? html`<p class="err">${explain(m, o.error).message}</p>` : nothing}
    ${recruiter ? [renderResult(links, o, loc), acts?.(o)] : renderCandidateAction(links, o, m, done)}
  </li>`;
};
