// What PSI knows of a candidate in the sandbox: exam slots, the booking, and the NotificationRequest each action
// causes (docs/vendors/psi.md#change-reasons). No I/O: the server decides where notifications go.
import { randomBytes } from 'node:crypto';
import { isoSeconds, type ChangeReason, type PsiNotification } from './wire.js';

/** A bookable exam slot of the sandbox's scheduling page. */
export interface PsiSlot {
  id: string;
  label: string;
  deliveryMode: 'SITE_PROCTORED' | 'ATLAS_REMOTE_PROCTORED';
  timeZone: string;
  location?: { code: string; name: string; address: string };
  /** Days after today (UTC) and the UTC hour of the start. */
  daysAhead: number;
  hourUtc: number;
}

export const PSI_SLOTS: readonly PsiSlot[] = [
  {
    id: 'nyc-site',
    label: 'Test center, New York',
    deliveryMode: 'SITE_PROCTORED',
    timeZone: 'America/New_York',
    location: { code: 'NY-017', name: 'PSI Test Center Manhattan', address: '1 Main Street, New York, NY 10001' },
    daysAhead: 7,
    hourUtc: 14,
  },
  {
    id: 'paris-remote',
    label: 'Online, Paris time',
    deliveryMode: 'ATLAS_REMOTE_PROCTORED',
    timeZone: 'Europe/Paris',
    daysAhead: 9,
    hourUtc: 8,
  },
  {
    id: 'berlin-site',
    label: 'Test center, Berlin',
    deliveryMode: 'SITE_PROCTORED',
    timeZone: 'Europe/Berlin',
    location: { code: 'BE-004', name: 'PSI Testzentrum Berlin Mitte', address: 'Friedrichstraße 1, 10117 Berlin' },
    daysAhead: 12,
    hourUtc: 12,
  },
];

export const CANDIDATE_ACTIONS = ['book', 'reschedule', 'cancel', 'complete', 'absent', 'excused'] as const;
export type CandidateAction = (typeof CANDIDATE_ACTIONS)[number];

const REASON_BY_ACTION: Readonly<Record<CandidateAction, ChangeReason>> = {
  book: 'BOOKING_CREATED',
  reschedule: 'BOOKING_RESCHEDULED',
  cancel: 'BOOKING_CANCELLED',
  complete: 'EXAM_COMPLETED',
  absent: 'ABSENT',
  excused: 'EXCUSED_ABSENT',
};

export interface SimulatedCandidateOptions {
  /** Our `client_eligibility_id`; leave out to have PSI match on candidate_id + exam_code. */
  eligibilityId?: string;
  candidateId: string;
  examCode?: string;
  firstName?: string;
  lastName?: string;
  /** Time source of `effective_date`; each event is at least one second after the previous one. */
  now?: () => Date;
}

interface CurrentBooking {
  code: string;
  slot: PsiSlot;
  startsAt: Date;
}

/** A candidate at PSI: each action returns the notification PSI would send for it. */
export class SimulatedPsiCandidate {
  readonly eligibilityId: string | undefined;
  readonly candidateId: string;
  readonly examCode: string | undefined;
  readonly notifications: PsiNotification[] = [];
  booking: CurrentBooking | undefined;
  /** The change reason of the latest event, or null before any. */
  lastReason: ChangeReason | null = null;
  private readonly names: { first: string; last: string };
  private readonly now: () => Date;
  private lastEffective = 0;

  constructor(opts: SimulatedCandidateOptions) {
    this.eligibilityId = opts.eligibilityId;
    this.candidateId = opts.candidateId;
    this.examCode = opts.examCode;
    this.names = { first: opts.firstName ?? 'Ada', last: opts.lastName ?? 'Lovelace' };
    this.now = opts.now ?? (() => new Date());
  }

  act(action: CandidateAction, slot: PsiSlot = PSI_SLOTS[0]!): PsiNotification {
    switch (action) {
      case 'book':
        this.booking = { code: bookingCode(), slot, startsAt: slotStart(slot, this.now()) };
        break;
      case 'reschedule':
        // The appointment keeps its booking code when moved; a new booking after a cancellation gets a new one.
        this.requireBooking(action);
        this.booking = { ...this.booking!, slot, startsAt: slotStart(slot, this.now()) };
        break;
      default:
        this.requireBooking(action);
    }
    const n = this.notification(REASON_BY_ACTION[action], this.booking!);
    this.lastReason = REASON_BY_ACTION[action];
    this.notifications.push(n);
    return n;
  }

  book(slot?: PsiSlot): PsiNotification {
    return this.act('book', slot);
  }
  reschedule(slot?: PsiSlot): PsiNotification {
    return this.act('reschedule', slot);
  }
  cancel(): PsiNotification {
    return this.act('cancel');
  }
  complete(): PsiNotification {
    return this.act('complete');
  }
  absent(): PsiNotification {
    return this.act('absent');
  }
  excused(): PsiNotification {
    return this.act('excused');
  }

  private requireBooking(action: CandidateAction): void {
    if (!this.booking) throw new Error(`PSI sandbox: cannot ${action} without a booking`);
  }

  private effectiveDate(): string {
    // PSI timestamps have whole seconds (docs/vendors/psi.md#ordering); events of one candidate must not share one or their order is lost.
    // Rounded up, so an event right after ordering is not older than the order's own `invited`.
    const t = Math.max(Math.ceil(this.now().getTime() / 1000), this.lastEffective + 1);
    this.lastEffective = t;
    return isoSeconds(new Date(t * 1000));
  }

  private notification(reason: ChangeReason, b: CurrentBooking): PsiNotification {
    const site = b.slot.deliveryMode === 'SITE_PROCTORED' && b.slot.location;
    return {
      booking_code: b.code,
      booking_on: isoSeconds(b.startsAt),
      candidate_fname: this.names.first,
      candidate_id: this.candidateId,
      candidate_lname: this.names.last,
      change_reason: reason,
      ...(this.eligibilityId ? { client_eligibility_id: this.eligibilityId } : {}),
      delivery_mode: b.slot.deliveryMode,
      effective_date: this.effectiveDate(),
      ...(this.examCode ? { exam_code: this.examCode } : {}),
      ...(site
        ? { location_address: site.address, location_code: site.code, location_name: site.name }
        : {}),
      location_timezone: b.slot.timeZone,
    };
  }
}

function bookingCode(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  return `BKG${[...randomBytes(7)].map((b) => alphabet[b % alphabet.length]).join('')}`;
}

export function slotStart(slot: PsiSlot, now: Date): Date {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + slot.daysAhead, slot.hourUtc));
  return d;
}
