// The widget's words in English, French and Arabic (right-to-left), plus Intl formatters for the chosen locale.
// Never builds text by concatenating translated fragments: each sentence is one message with a `{0}` slot.
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
  token_expired: 'Your session has expired. Reload the page to continue.',
  network: 'The assessment service cannot be reached.',
  vendor_rejected: 'The vendor refused this order.',
  vendor_unavailable: 'The vendor cannot be reached right now. Try again later.',
  generic: 'Something went wrong.',
} satisfies Record<OrderStatus, string> & Record<string, string>;

export type Messages = typeof en;
const KEYS = Object.keys(en) as (keyof Messages)[];

const packedLines: number[] = [];

/** Other languages are stored as lines in `en`'s key order: the same words for far fewer bytes in the bundle. */
function pack(lines: string): Messages {
  const v = lines.split('\n').slice(1);
  packedLines.push(v.length);
  return Object.fromEntries(KEYS.map((k, i) => [k, v[i] || en[k]])) as Messages;
}

/** For tests: how many messages there are, and how many lines each other language has. */
export const lineCounts = (): { messages: number; languages: number[] } => ({ messages: KEYS.length, languages: packedLines });

/** One message a line, in the order of `en` (the tests check the count). */
const fr = pack(`
Évaluations
En direct
Reconnexion…
Demandée
Invitation envoyée
Planifiée
En cours
Terminée
Résultats disponibles
Expirée
Annulée
Absent
Absence excusée
Refusée
Mise à jour {0}
Progression
Examen réservé
Centre d'examen
À distance
Score
Catégorie
Réussi
Non réussi
Adéquation
élevée
moyenne
faible
Sous-scores
Adéquation aux postes
principal
Voir le rapport
Commencer l'évaluation
Continuer
Terminée
Envoyer une évaluation
Évaluation
Envoi…
Évaluation envoyée : {0}
Aucune évaluation pour l'instant.
Impossible de charger les évaluations.
Réessayer
Chargement des évaluations
(s'ouvre dans un nouvel onglet)
Votre session a expiré. Rechargez la page pour continuer.
Le service d'évaluation est injoignable.
Le fournisseur a refusé cette commande.
Le fournisseur est injoignable pour le moment. Réessayez plus tard.
Une erreur est survenue.`);

/** One message a line, in the order of `en` (the tests check the count). */
const ar = pack(`
التقييمات
مباشر
جارٍ إعادة الاتصال…
مطلوب
تمت الدعوة
محجوز
قيد التنفيذ
مكتمل
النتائج متاحة
منتهي الصلاحية
ملغى
لم يحضر
غياب بعذر
مرفوض
آخر تغيير {0}
التقدم
موعد الاختبار
مركز اختبار
عن بُعد
الدرجة
الفئة
ناجح
غير ناجح
الملاءمة
عالية
متوسطة
منخفضة
الدرجات الفرعية
الملاءمة للوظائف
رئيسية
عرض التقرير
ابدأ التقييم
متابعة
مكتمل
إرسال تقييم
التقييم
جارٍ الإرسال…
تم إرسال التقييم: {0}
لا توجد تقييمات بعد.
تعذّر تحميل التقييمات.
إعادة المحاولة
جارٍ تحميل التقييمات
(يفتح في علامة تبويب جديدة)
انتهت جلستك. أعد تحميل الصفحة للمتابعة.
تعذّر الوصول إلى خدمة التقييم.
رفض المزوّد هذا الطلب.
المزوّد غير متاح حاليًا. حاول لاحقًا.
حدث خطأ ما.`);

const catalog: Record<string, Messages> = { en, fr, ar };

/** Message keys that are also error codes the widget explains in its own words. */
export type ErrorKey = Extract<keyof Messages, string>;

export interface Locale {
  /** The BCP 47 tag used for Intl (the requested one when we have its words, else `en`). */
  tag: string;
  m: Messages;
  rtl: boolean;
  /** A message with `{0}` replaced. */
  t(text: string, arg: string): string;
  relative(iso: string, now: number): string;
  number(n: number): string;
  /** 0–100 as a percentage. */
  pct(n: number): string;
  /** A date-time in the given IANA zone, with the zone's short name. */
  dateTime(iso: string, timeZone?: string): string;
}

const RTL = /^(ar|he|fa|ur)\b/i;

export function resolveLocale(requested: string): Locale {
  const primary = requested.toLowerCase().split(/[-_]/)[0] ?? 'en';
  const m = catalog[primary];
  const tag = m ? requested : 'en';
  const rel = new Intl.RelativeTimeFormat(tag, { numeric: 'auto' });
  const num = new Intl.NumberFormat(tag, { maximumFractionDigits: 1 });
  const pc = new Intl.NumberFormat(tag, { style: 'percent' });
  return {
    tag,
    m: m ?? en,
    rtl: RTL.test(tag),
    t: (text, arg) => text.replace('{0}', arg),
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
      try {
        return new Intl.DateTimeFormat(tag, {
          weekday: 'short',
          year: 'numeric',
          month: 'short',
          day: 'numeric',
          hour: 'numeric',
          minute: '2-digit',
          timeZoneName: 'short',
          ...(timeZone ? { timeZone } : {}),
        }).format(new Date(iso));
      } catch {
        // An unknown IANA zone from a vendor must not blank the row: fall back to the viewer's zone.
        return new Intl.DateTimeFormat(tag, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
      }
    },
  };
}
