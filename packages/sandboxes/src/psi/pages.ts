// The PSI sandbox's scheduling page: plain forms that book, reschedule or cancel; no script. Pure functions.
import { escapeHtml as esc } from '../html.js';
import { PSI_SLOTS, slotStart, type SimulatedPsiCandidate } from './state.js';

export const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'";

/** The eligibility, candidate and exam a scheduling link carries. */
export interface PageQuery {
  eligibility: string;
  candidate: string;
  exam: string;
}

export function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem}
form{display:inline-block;margin:.25rem .5rem .25rem 0}button{padding:.4rem .8rem}.note{color:#555}</style></head>
<body><h1>${esc(title)}</h1>${body}</body></html>`;
}

function localTime(d: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-US', { dateStyle: 'full', timeStyle: 'short', timeZone }).format(d);
}

function hidden(q: PageQuery): string {
  return `<input type="hidden" name="eligibility" value="${esc(q.eligibility)}">
<input type="hidden" name="candidate" value="${esc(q.candidate)}">
<input type="hidden" name="exam" value="${esc(q.exam)}">`;
}

export function schedulingPage(q: PageQuery, cand: SimulatedPsiCandidate | undefined, sent: string | undefined): string {
  const parts: string[] = [];
  parts.push(`<p class="note">Eligibility <code>${esc(q.eligibility)}</code>${q.exam ? `, exam <code>${esc(q.exam)}</code>` : ''}.</p>`);
  if (sent) {
    parts.push(
      `<p role="status" id="delivery">PSI notified the assessment system: HTTP ${esc(sent)}${sent === '200' ? ' (stored)' : ''}.</p>`,
    );
  }
  if (cand?.lastReason && ['EXAM_COMPLETED', 'ABSENT', 'EXCUSED_ABSENT'].includes(cand.lastReason)) {
    parts.push(`<p id="state">This exam is closed (${esc(cand.lastReason)}).</p>`);
    return page('PSI exam scheduling', parts.join('\n'));
  }
  const booked = cand?.lastReason !== 'BOOKING_CANCELLED' ? cand?.booking : undefined;
  if (booked) {
    const where = booked.slot.location
      ? `${booked.slot.location.name}, ${booked.slot.location.address}`
      : 'online (remote proctoring)';
    parts.push(
      `<p id="state">Booked: <strong>${esc(localTime(booked.startsAt, booked.slot.timeZone))}</strong> (${esc(booked.slot.timeZone)}), ${esc(where)}. Booking code <code>${esc(booked.code)}</code>.</p>`,
    );
    parts.push(`<form method="post" action="/schedule/cancel">${hidden(q)}<button type="submit">Cancel booking</button></form>`);
  } else if (cand?.lastReason === 'BOOKING_CANCELLED') {
    parts.push('<p id="state">Your booking was cancelled. You may book again.</p>');
  } else {
    parts.push('<p id="state">Not booked yet. Choose a slot.</p>');
  }
  const action = booked ? 'reschedule' : 'book';
  parts.push('<h2>Available slots</h2><ul>');
  const now = new Date();
  for (const slot of PSI_SLOTS) {
    parts.push(
      `<li>${esc(slot.label)}: ${esc(localTime(slotStart(slot, now), slot.timeZone))} (${esc(slot.timeZone)})
<form method="post" action="/schedule/${action}">${hidden(q)}<input type="hidden" name="slot" value="${esc(slot.id)}"><button type="submit">${booked ? 'Reschedule to' : 'Book'} ${esc(slot.label)}</button></form></li>`,
    );
  }
  parts.push('</ul>');
  return page('PSI exam scheduling', parts.join('\n'));
}
