// The widget's words in English (in the core bundle) and the loader of the other languages (one chunk each), plus
// Intl formatters and plural rules for the chosen locale. Never builds text by concatenating translated fragments:
// each sentence is one message with a `{0}` slot; a count is one message with a form per plural category.
import type { OrderStatus } from '@ca/shared';

const en = {
  title: 'Assessments',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  requested: 'Requested',
  invited: 'Invited',
  scheduled: 'Scheduled',
  in_progress: 'In progress',
  completed: 'Completed',
  scored: 'Results ready',
  expired: 'Expired',
  cancelled: 'Cancelled',
  no_show: 'No-show',
  excused: 'Excused',
  failed: 'Refused',
  changed: 'Changed {0}',
  progress: 'Progress',
  booking: 'Exam booked',
  test_center: 'Test centre',
  remote: 'Remote',
  score: 'Score',
  band: 'Band',
  passed: 'Passed',
  notPassed: 'Not passed',
  fit: 'Fit',
  high: 'high',
  medium: 'medium',
  low: 'low',
  subScores: 'Sub-scores',
  jobFits: 'Job fit',
  primary: 'primary',
  report: 'View report',
  start: 'Start assessment',
  resume: 'Continue',
  done: 'Completed',
  send: 'Send assessment',
  pkg: 'Assessment',
  sending: 'Sending…',
  sent: 'Assessment sent: {0}',
  empty: 'No assessments yet.',
  loadError: 'Could not load assessments.',
  retry: 'Retry',
  loading: 'Loading assessments',
  newTab: '(opens in a new tab)',
  token_expired: 'Your session has expired. Reload the page.',
  network: 'Cannot reach the assessment service.',
  vendor_rejected: 'The vendor refused this order.',
  vendor_unavailable: 'The vendor cannot be reached. Try again later.',
  generic: 'Something went wrong.',
  count: 'one:{0} assessment|other:{0} assessments',
  bookingCancelled: 'Booking cancelled',
} satisfies Record<OrderStatus, string> & Record<string, string>;

export type Messages = typeof en;
const KEYS = Object.keys(en) as (keyof Messages)[];

/**
 * The other languages: each is its own chunk (dist/widget/i18n/<lang>-<hash>.js), fetched from next to widget.js
 * only when `lang` asks for it. A chunk is one string, one message a line in the order of `en`.
 */
const CHUNKS: Record<string, () => Promise<{ default: string }>> = {
  fr: () => import('./locales/fr.js'),
  ar: () => import('./locales/ar.js'),
  de: () => import('./locales/de.js'),
  es: () => import('./locales/es.js'),
  hi: () => import('./locales/hi.js'),
};

/** A chunk's lines as messages, by `en`'s keys (a missing line falls back to English). */
export function unpack(lines: string): Messages {
  const v = lines.split('\n');
  return Object.fromEntries(KEYS.map((k, i) => [k, v[i] || en[k]])) as Messages;
}

/** Per language, its messages once loaded (null after a failed load). English is always here. */
const loaded = new Map<string, Promise<Messages | null>>([['en', Promise.resolve(en)]]);

/** `fr` for `fr-CA`; `en` for anything the widget does not speak. */
export const languageOf = (tag: string): string => {
  const primary = tag.toLowerCase().split(/[-_]/)[0]!;
  return primary in CHUNKS ? primary : 'en';
};

/**
 * A language's messages, its chunk fetched once per page. A failure resolves to null (the widget stays in English)
 * and is not retried, so a missing chunk cannot turn into a request loop.
 */
export function loadMessages(lang: string): Promise<Messages | null> {
  let m = loaded.get(lang);
  if (!m) {
    m = CHUNKS[lang]!().then(
      (mod) => unpack(mod.default),
      () => null,
    );
    loaded.set(lang, m);
  }
  return m;
}

/** Message keys that are also error codes the widget explains in its own words. */
export type ErrorKey = Extract<keyof Messages, string>;

export interface Locale {
  /** The BCP 47 tag used for Intl (the requested one when we have its words, else `en`). */
  tag: string;
  m: Messages;
  rtl: boolean;
  /** A message with `{0}` replaced. */
  t(text: string, arg: string): string;
  /** A plural message (`one:…|other:…`, `other` last) for `n`, its form chosen by Intl.PluralRules, `{0}` the number. */
  plural(text: string, n: number): string;
  relative(iso: string, now: number): string;
  number(n: number): string;
  /** 0–100 as a percentage. */
  pct(n: number): string;
  /** A date-time in the given IANA zone, with the zone's short name. */
  dateTime(iso: string, timeZone?: string): string;
}

const RTL = /^(ar|he|fa|ur)\b/i;

/** The locale for a BCP 47 tag with its language's messages; English (and the tag `en`) when they are missing. */
export function resolveLocale(requested: string, messages: Messages | null | undefined): Locale {
  const tag = (messages && messages !== en) || /^en\b/i.test(requested) ? requested : 'en';
  const m = messages ?? en;
  const rel = new Intl.RelativeTimeFormat(tag, { numeric: 'auto' });
  const num = new Intl.NumberFormat(tag, { maximumFractionDigits: 1 });
  const pc = new Intl.NumberFormat(tag, { style: 'percent' });
  const rules = new Intl.PluralRules(tag);
  return {
    tag,
    m,
    rtl: RTL.test(tag),
    t: (text, arg) => text.replace('{0}', arg),
    plural(text, n) {
      const forms = text.split('|');
      // `other` comes last in every language, so it is also the fallback.
      const f = forms.find((x) => x.startsWith(`${rules.select(n)}:`)) ?? forms.at(-1)!;
      return f.slice(f.indexOf(':') + 1).replace('{0}', num.format(n));
    },
    relative(iso, now) {
      const s = Math.round((Date.parse(iso) - now) / 1000);
      const a = Math.abs(s);
      if (a < 45) return rel.format(0, 'second');
      if (a < 2700) return rel.format(Math.round(s / 60), 'minute');
      if (a < 79200) return rel.format(Math.round(s / 3600), 'hour');
      return rel.format(Math.round(s / 86400), 'day');
    },
    number: (n) => num.format(n),
    pct: (n) => pc.format(n / 100),
    dateTime(iso, timeZone) {
      const o: Intl.DateTimeFormatOptions = {
        weekday: 'short',
        year: 'numeric',
        month: 'short',
        day: 'numeric',
        hour: 'numeric',
        minute: '2-digit',
        timeZoneName: 'short',
      };
      try {
        return new Intl.DateTimeFormat(tag, { ...o, timeZone }).format(new Date(iso));
      } catch {
        // An unknown IANA zone from a vendor must not blank the row: fall back to the viewer's zone.
        return new Intl.DateTimeFormat(tag, o).format(new Date(iso));
      }
    },
  };
}
