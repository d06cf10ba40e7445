// Component tests of <candidate-assessment> in real Chromium, against a fake BFF stubbed into fetch.
import { ORDER_STATUSES, type Order, type OrderStatus } from '@ca/shared';
import { aTimeout, assert, fixture, fixtureCleanup, html, waitUntil } from '@open-wc/testing';
import { ifDefined } from 'lit/directives/if-defined.js';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { userEvent } from 'vitest/browser';
import { CandidateAssessment } from './candidate-assessment.js';
import type { CaErrorDetail, CaOrderCreatedDetail, CaReadyDetail, CaStatusChangeDetail } from './events.js';
import { loadMessages, resolveLocale } from './i18n.js';
import { openStreamCount } from './live-stream.js';
import { API, FakeBff, makeOrder, makeToken } from '../testing/fake-bff.js';

let bff: FakeBff;
const mounted: HTMLElement[] = [];

beforeEach(() => {
  bff = new FakeBff().install();
});

afterEach(async () => {
  fixtureCleanup();
  for (const el of mounted.splice(0)) el.remove();
  document.documentElement.removeAttribute('dir');
  vi.useRealTimers();
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
  await aTimeout(0);
});

interface MountOptions {
  role?: 'recruiter' | 'candidate';
  view?: string;
  lang?: string;
  token?: string;
  wait?: boolean;
}

/** Mounts the element with the open-wc fixture and waits until it has shown data (or an error). */
async function mount(o: MountOptions = {}): Promise<CandidateAssessment> {
  const token = o.token ?? makeToken({ role: o.role ?? 'recruiter' });
  bff.valid.add(token);
  const el = await fixture<CandidateAssessment>(
    html`<candidate-assessment api=${API} token=${token} view=${ifDefined(o.view)} lang=${ifDefined(o.lang)}></candidate-assessment>`,
  );
  if (o.wait !== false) await loaded(el);
  return el;
}

/** Creates the element without attaching it, so listeners and properties can be set first. */
function create(attrs: Record<string, string>): CandidateAssessment {
  const el = document.createElement('candidate-assessment');
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  return el;
}

async function attach(el: CandidateAssessment, wait = true): Promise<CandidateAssessment> {
  document.body.append(el);
  mounted.push(el);
  if (wait) await loaded(el);
  return el;
}

async function loaded(el: CandidateAssessment): Promise<void> {
  // Returns as soon as it has loaded; the bound only matters on failure. A language chunk's first import is
  // transformed by Vite on demand, which once took over 5 s on a busy CI machine.
  await waitUntil(() => part(el, 'list') || part(el, 'empty') || part(el, 'error'), 'the widget did not load', { timeout: 20_000 });
  await el.updateComplete;
}

const part = (el: Element, name: string): HTMLElement | null => el.shadowRoot!.querySelector(`[part~="${name}"]`);
const parts = (el: Element, name: string): HTMLElement[] => [...el.shadowRoot!.querySelectorAll<HTMLElement>(`[part~="${name}"]`)];
const row = (el: Element, id: string): HTMLElement => el.shadowRoot!.querySelector<HTMLElement>(`li[data-id="${id}"]`)!;
const text = (node: Element | null): string => (node?.textContent ?? '').replace(/\s+/g, ' ').trim();
const shadowText = (el: Element): string => (el.shadowRoot!.textContent ?? '').replace(/\s+/g, ' ').trim();
const later = (o: Order, over: Partial<Order>): Order => ({ ...o, version: o.version + 1, statusChangedAt: new Date().toISOString(), ...over });
const order = (id: string): Order => bff.orders.find((o) => o.id === id)!;

function allStatuses(): Order[] {
  return ORDER_STATUSES.map((status, i) =>
    makeOrder({
      id: `o-${status}`,
      packageName: `Package ${status}`,
      status,
      createdAt: new Date(Date.now() - i * 60_000).toISOString(),
      progress: status === 'in_progress' ? 25 : null,
      error: status === 'failed' ? { code: 'vendor_rejected', message: 'Candidate email already registered.' } : null,
    }),
  );
}

/** Records where an activated link would go, without letting the test page open tabs. */
function recordNavigation(type: 'click' | 'auxclick'): string[] {
  const hrefs: string[] = [];
  const listener = (e: Event) => {
    const a = e.composedPath()[0] as HTMLAnchorElement;
    if (a instanceof HTMLAnchorElement) {
      hrefs.push(a.href);
      e.preventDefault();
    }
  };
  document.addEventListener(type, listener, true);
  return hrefs;
}

describe('accessibility', () => {
  it('has no axe violations in the recruiter view with results, booking and progress', async () => {
    const el = await mount();
    await assert.isAccessible(el);
  });

  it('has no axe violations in the recruiter view showing every status', async () => {
    bff.orders = allStatuses();
    const el = await mount();
    await assert.isAccessible(el);
  });

  it('has no axe violations in the candidate view showing every status', async () => {
    bff.orders = allStatuses();
    const el = await mount({ role: 'candidate' });
    await assert.isAccessible(el);
  });

  it('has no axe violations while loading, when empty, on error and while reconnecting', async () => {
    let release!: () => void;
    bff.delays.set('/v1/orders', new Promise<void>((r) => (release = r)));
    const loading = await mount({ wait: false });
    await waitUntil(() => part(loading, 'skeleton'));
    expect(part(loading, 'base')!.getAttribute('aria-busy')).toBe('true');
    await assert.isAccessible(loading);
    release();
    await loaded(loading);

    bff.orders = [];
    const empty = await mount();
    expect(text(part(empty, 'empty'))).toBe('No assessments yet.');
    await assert.isAccessible(empty);

    bff.failNext = { method: 'GET', path: '/v1/orders', times: 1, status: 503, code: 'not_ready', message: 'The store is not reachable.' };
    const failing = await mount();
    expect(part(failing, 'error')).not.toBeNull();
    await assert.isAccessible(failing);

    bff.dropStreams();
    await waitUntil(() => text(part(empty, 'connection')) === 'Reconnecting…');
    await assert.isAccessible(empty);
  });

  it('has no axe violations in Arabic on a right-to-left page', async () => {
    document.documentElement.setAttribute('dir', 'rtl');
    const el = await mount({ lang: 'ar' });
    await assert.isAccessible(el);
  });

  it('announces status changes politely to screen readers', async () => {
    const el = await mount();
    const live = el.shadowRoot!.querySelector('[aria-live="polite"]')!;
    expect(live.getAttribute('role')).toBe('status');
    bff.emit('order.updated', later(order('o-pym'), { status: 'completed', progress: 100 }));
    await waitUntil(() => text(live) === 'Job fit games: Completed');
  });
});

describe('properties', () => {
  it('shows the recruiter view for a recruiter token and the candidate view for a candidate token (view="auto")', async () => {
    const recruiter = await mount({ role: 'recruiter' });
    expect(part(recruiter, 'catalog')).not.toBeNull();
    expect(part(recruiter, 'result')).not.toBeNull();
    const candidate = await mount({ role: 'candidate' });
    expect(part(candidate, 'catalog')).toBeNull();
    expect(part(candidate, 'result')).toBeNull();
    expect(bff.requests.filter((r) => r.path === '/v1/packages')).toHaveLength(1);
  });

  it('lets view="candidate" show a recruiter the candidate view, but never a candidate the recruiter view', async () => {
    const preview = await mount({ role: 'recruiter', view: 'candidate' });
    expect(part(preview, 'catalog')).toBeNull();
    expect(part(preview, 'launch')).not.toBeNull();
    const forced = await mount({ role: 'candidate', view: 'recruiter' });
    expect(part(forced, 'catalog')).toBeNull();
    expect(part(forced, 'result')).toBeNull();
  });

  it('calls fetchToken at start and sends its token in the Authorization header only', async () => {
    const token = makeToken({ n: 1 });
    bff.valid.add(token);
    const fetchToken = vi.fn(async () => token);
    const el = create({ api: `${API}/` });
    el.fetchToken = fetchToken;
    await attach(el);
    expect(fetchToken).toHaveBeenCalledTimes(1);
    expect(bff.requests.length).toBeGreaterThan(0);
    for (const r of bff.requests) {
      expect(r.headers.get('Authorization')).toBe(`Bearer ${token}`);
      expect(r.path).not.toContain(token);
    }
  });

  it('accepts the JSON body of POST /v1/widget-sessions from fetchToken', async () => {
    const token = makeToken({ n: 3 });
    bff.valid.add(token);
    const el = create({ api: API });
    el.fetchToken = async () => JSON.stringify({ token, expiresAt: new Date(Date.now() + 600_000).toISOString() });
    await attach(el);
    expect(part(el, 'list')).not.toBeNull();
    expect(bff.requests[0]!.headers.get('Authorization')).toBe(`Bearer ${token}`);
  });

  it('picks up a fetchToken set on the element before it was upgraded', async () => {
    const token = makeToken({ n: 2 });
    bff.valid.add(token);
    // An ATS page sets the property in a classic script that runs before the module defines the element:
    // an element from an inert document is likewise not upgraded until it joins this one.
    const inert = document.implementation.createHTMLDocument('');
    const el = inert.createElement('candidate-assessment') as CandidateAssessment;
    expect(el instanceof CandidateAssessment).toBe(false);
    (el as unknown as { fetchToken: () => Promise<string> }).fetchToken = async () => token;
    el.setAttribute('api', API);
    await attach(el);
    expect(el instanceof CandidateAssessment).toBe(true);
    expect(part(el, 'list')).not.toBeNull();
  });

  it('loads the catalog when view changes to recruiter later', async () => {
    const el = await mount({ role: 'recruiter', view: 'candidate' });
    expect(bff.count('GET', '/v1/packages')).toBe(0);
    el.view = 'recruiter';
    await waitUntil(() => (part(el, 'package-select') as HTMLSelectElement | null)?.options.length === 3);
  });

  // The first test to import a language chunk (see loaded()). Behaviour is what is tested here, not load time.
  it('takes its language from the lang attribute, else from the page', { timeout: 30_000 }, async () => {
    const fr = await mount({ lang: 'fr' });
    expect(text(part(fr, 'title'))).toBe('Évaluations');
    expect(text(row(fr, 'o-psi').querySelector('[part=badge]'))).toBe('Planifiée');
    document.documentElement.lang = 'fr-CA';
    try {
      const page = await mount();
      expect(text(part(page, 'title'))).toBe('Évaluations');
    } finally {
      document.documentElement.lang = 'en';
    }
    const unknown = await mount({ lang: 'ja' });
    expect(text(part(unknown, 'title'))).toBe('Assessments');
  });

  it('has every message in every language, and every plural form Intl.PluralRules asks for', { timeout: 30_000 }, async () => {
    const keys = Object.keys(resolveLocale('en', null).m);
    expect(keys.length).toBeGreaterThan(40);
    for (const lang of ['fr', 'ar', 'de', 'es', 'hi']) {
      const { default: lines } = (await import(`./locales/${lang}.ts`)) as { default: string };
      expect(lines.split('\n'), lang).toHaveLength(keys.length);
      const m = (await loadMessages(lang))!;
      expect(m.title, lang).not.toBe('Assessments');
      const forms = m.count.split('|').map((f) => f.split(':')[0]);
      const categories = new Intl.PluralRules(lang).resolvedOptions().pluralCategories;
      expect([...forms].sort(), lang).toEqual([...categories].sort());
      expect(forms.at(-1), lang).toBe('other');
    }
  });

  it('loads a language when lang asks for it and counts with its plural rules', async () => {
    const cases: [string, number, RegExp][] = [
      ['en', 1, /^1 assessment$/],
      ['en', 4, /^4 assessments$/],
      ['fr', 1, /^1 évaluation$/],
      ['de', 4, /^4 Tests$/],
      ['es', 1, /^1 evaluación$/],
      ['hi', 4, /^4 आकलन$/],
      ['ar', 2, /^تقييمان$/],
      ['ar', 4, /^[4٤] تقييمات$/],
      ['ar', 11, /^(11|١١) تقييمًا$/],
    ];
    for (const [lang, n, want] of cases) {
      bff.orders = allStatuses().slice(0, n);
      const el = await mount({ lang });
      expect(text(part(el, 'count')), `${lang} ${n}`).toMatch(want);
      el.remove();
    }
    bff.orders = allStatuses().slice(0, 11);
    const el = await mount({ lang: 'hi' });
    expect(text(part(el, 'title'))).toBe('आकलन');
    expect(text(row(el, 'o-in_progress').querySelector('[part=badge]'))).toBe('जारी है');
    el.lang = 'de';
    await waitUntil(() => text(part(el, 'title')) === 'Eignungstests');
    expect(text(row(el, 'o-in_progress').querySelector('[part=badge]'))).toBe('In Bearbeitung');
    expect(part(el, 'base')!.getAttribute('lang')).toBe('de');
    el.lang = 'ar';
    await waitUntil(() => text(part(el, 'title')) === 'التقييمات');
    expect(part(el, 'base')!.getAttribute('dir')).toBe('rtl');
  });

  it('is defined once: loading the module again leaves the first definition in place', async () => {
    const first = customElements.get('candidate-assessment');
    expect(first).toBe(CandidateAssessment);
    const again = './candidate-assessment.ts?again';
    await import(/* @vite-ignore */ again);
    expect(customElements.get('candidate-assessment')).toBe(first);
  });

  it('does nothing when imported where there is no window', async () => {
    const worker = new Worker(new URL('../testing/no-window.worker.ts', import.meta.url), { type: 'module' });
    try {
      const reply = await new Promise<{ ok: boolean; hasHTMLElement: boolean; error?: string }>((resolve, reject) => {
        worker.onmessage = (e) => resolve(e.data);
        worker.onerror = (e) => reject(new Error(e.message));
      });
      expect(reply).toEqual({ ok: true, hasHTMLElement: false });
    } finally {
      worker.terminate();
    }
  });
});

describe('parts', () => {
  it('exposes the main blocks of the recruiter view as parts', async () => {
    const el = await mount();
    for (const name of ['base', 'header', 'title', 'connection', 'catalog', 'package-select', 'send', 'list', 'order', 'badge', 'progress', 'booking', 'result', 'report']) {
      expect(part(el, name), name).not.toBeNull();
    }
  });

  it('exposes the main blocks of the candidate view as parts', async () => {
    bff.orders = [...allStatuses(), ...bff.orders];
    const el = await mount({ role: 'candidate' });
    for (const name of ['base', 'list', 'order', 'badge', 'launch', 'completed', 'booking']) expect(part(el, name), name).not.toBeNull();
  });

  it('can be styled from the page through ::part() and --ca-* properties, and its styles do not leak', async () => {
    const style = document.createElement('style');
    style.textContent = 'candidate-assessment::part(badge) { text-transform: uppercase } .badge { color: rgb(1, 2, 3) }';
    document.head.append(style);
    try {
      const el = await mount();
      el.style.setProperty('--ca-color-accent', 'rgb(120, 20, 90)');
      el.style.setProperty('--ca-radius', '0px');
      const badge = part(el, 'badge')!;
      expect(getComputedStyle(badge).textTransform).toBe('uppercase');
      expect(getComputedStyle(badge).color).not.toBe('rgb(1, 2, 3)');
      expect(getComputedStyle(part(el, 'send')!).backgroundColor).toBe('rgb(120, 20, 90)');
      expect(getComputedStyle(part(el, 'base')!).borderTopLeftRadius).toBe('0px');
      const outside = document.createElement('p');
      outside.className = 'order';
      document.body.append(outside);
      expect(getComputedStyle(outside).borderTopStyle).toBe('none');
      outside.remove();
    } finally {
      style.remove();
    }
  });
});

describe('events', () => {
  it('fires ca-ready once the first list is shown', async () => {
    const el = create({ api: API, token: makeToken() });
    bff.valid.add(el.getAttribute('token')!);
    const ready = vi.fn((e: CustomEvent<CaReadyDetail>) => e.detail);
    el.addEventListener('ca-ready', ready);
    await attach(el);
    expect(ready).toHaveBeenCalledTimes(1);
    expect(ready.mock.results[0]!.value).toEqual({ orders: 4 });
  });

  it('fires ca-status-change with the order and the previous status, bubbling out of the shadow root', async () => {
    const el = await mount();
    const seen: CaStatusChangeDetail[] = [];
    const onDoc = (e: CustomEvent<CaStatusChangeDetail>) => seen.push(e.detail);
    document.addEventListener('ca-status-change', onDoc);
    try {
      bff.emit('order.updated', later(order('o-pym'), { status: 'completed', progress: 100 }));
      await waitUntil(() => seen.length === 1);
      expect(seen[0]!.previous).toBe('in_progress');
      expect(seen[0]!.order.status).toBe('completed');
      // A progress-only update is not a status change.
      bff.emit('order.updated', later(order('o-psi'), {}));
      await aTimeout(50);
      expect(seen).toHaveLength(1);
      void el;
    } finally {
      document.removeEventListener('ca-status-change', onDoc);
    }
  });

  it('fires ca-order-created for an order that arrives on the stream', async () => {
    const el = await mount();
    const created: CaOrderCreatedDetail[] = [];
    el.addEventListener('ca-order-created', (e) => created.push(e.detail));
    const fresh = makeOrder({ id: 'o-other-tab', packageName: 'Numerical reasoning', status: 'requested', createdAt: new Date().toISOString() });
    bff.emit('order.created', fresh);
    await waitUntil(() => created.length === 1);
    expect(created[0]!.order.id).toBe('o-other-tab');
    expect(parts(el, 'order')[0]!.dataset.id).toBe('o-other-tab');
  });

  it('fires ca-error with a code and a sentence, and shows an expired token as a clear message', async () => {
    const token = makeToken();
    bff.expired.add(token);
    const el = create({ api: API, token });
    const errors: CaErrorDetail[] = [];
    el.addEventListener('ca-error', (e) => errors.push(e.detail));
    await attach(el);
    expect(errors[0]).toEqual({ code: 'token_expired', message: 'Your session has expired. Reload the page.' });
    expect(text(part(el, 'error'))).toContain('Your session has expired.');
    // Retrying cannot help without a way to get a new token.
    expect(part(el, 'retry')).toBeNull();
  });
});

describe('behaviour', () => {
  it('keeps the newer snapshot when an older one of the same order arrives after it', async () => {
    const el = await mount();
    const current = order('o-pym');
    bff.emit('order.updated', later(current, { status: 'completed', progress: null }));
    await waitUntil(() => row(el, 'o-pym').dataset.status === 'completed');
    // e.g. the 202 answer to the order request, overtaken by the event of the vendor's first word
    bff.emit('order.updated', { ...current, status: 'invited', statusChangedAt: new Date(Date.now() + 60_000).toISOString() });
    await new Promise((r) => setTimeout(r, 50));
    expect(row(el, 'o-pym').dataset.status).toBe('completed');
  });

  it('lists orders newest first with vendor, status and how long ago it changed', async () => {
    const el = await mount();
    expect(parts(el, 'order').map((li) => li.dataset.id)).toEqual(['o-psi', 'o-pym', 'o-berke', 'o-mettl']);
    const pym = row(el, 'o-pym');
    expect(text(pym)).toContain('Job fit games');
    expect(text(pym)).toContain('pymetrics');
    expect(text(pym.querySelector('[part=badge]'))).toBe('In progress');
    expect(text(pym)).toContain('Changed 10 minutes ago');
    expect((pym.querySelector('[part=progress]') as HTMLProgressElement).value).toBe(40);
    expect(text(part(el, 'connection'))).toBe('Live');
  });

  it.each(ORDER_STATUSES.map((s) => [s]))('shows a %s order in both views', async (status: OrderStatus) => {
    bff.orders = allStatuses().filter((o) => o.status === status);
    const recruiter = await mount();
    const r = row(recruiter, `o-${status}`);
    const labels: Record<OrderStatus, string> = {
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
    };
    expect(text(r.querySelector('[part=badge]'))).toBe(labels[status]);
    expect(r.dataset.status).toBe(status);

    const candidate = await mount({ role: 'candidate' });
    const c = row(candidate, `o-${status}`);
    const launch = c.querySelector('[part=launch]');
    if (status === 'invited') expect(text(launch)).toBe('Start assessment (opens in a new tab)');
    else if (status === 'in_progress') expect(text(launch)).toBe('Continue (opens in a new tab)');
    else expect(launch).toBeNull();
    if (status === 'completed' || status === 'scored') {
      expect(text(c.querySelector('[part=completed]'))).toBe('✓ Completed');
      expect(c.querySelector('[part=badge]')).toBeNull();
    } else expect(text(c.querySelector('[part=badge]'))).toBe(labels[status]);
    if (status === 'failed') expect(text(r)).toContain('The vendor refused this order. Candidate email already registered.');
  });

  it('shows results: score, band, passed, sub-scores, the credibility flag and job fits with the primary job first', async () => {
    const el = await mount();
    const mettl = row(el, 'o-mettl').querySelector('[part=result]')!;
    expect(text(mettl)).toContain('Score72 / 100');
    expect(text(mettl)).toContain('BandProficient');
    expect(text(mettl)).toContain('PassedPassed');
    expect(text(mettl)).toContain('Core Java: 18 / 25');
    const flag = mettl.querySelector('.flag')!;
    expect(text(flag)).toBe('⚠ Credibility: Low');
    expect(flag.classList.contains('warning')).toBe(true);
    const fits = [...row(el, 'o-berke').querySelectorAll('.fits li')].map(text);
    expect(fits).toEqual(['Sales Representative: 84% · high (primary)', 'Account Manager: 91% · high', 'Customer Support: 55% · medium']);
    expect(text(row(el, 'o-berke').querySelector('[part=report]'))).toBe('View report (opens in a new tab)');
  });

  it('never shows scores, fits or reports in the candidate view', async () => {
    const el = await mount({ role: 'candidate' });
    const all = shadowText(el);
    for (const secret of ['72', 'Proficient', 'Credibility', 'Sales Representative', 'View report', 'Results ready']) expect(all).not.toContain(secret);
    expect(part(el, 'result')).toBeNull();
    expect(part(el, 'report')).toBeNull();
  });

  it('shows a PSI booking at its local time in its own time zone, with the place', async () => {
    const el = await mount();
    const booking = row(el, 'o-psi').querySelector('[part=booking]')!;
    // 15:00 UTC on 14 Dec 2026 is 09:00 in Chicago (CST, UTC−6), whatever the viewer's zone.
    expect(text(booking)).toMatch(/Mon, Dec 14, 2026, 9:00\sAM CST/);
    expect(text(booking)).toContain('(America/Chicago)');
    expect(text(booking)).toContain('PSI Test Center, Chicago IL · Test centre');
    expect(booking.querySelector('time')!.getAttribute('datetime')).toBe('2026-12-14T15:00:00.000Z');
    const candidate = await mount({ role: 'candidate' });
    expect(text(row(candidate, 'o-psi').querySelector('[part=booking]'))).toMatch(/9:00\sAM CST/);
  });

  it('speaks French with French dates and numbers', async () => {
    const el = await mount({ lang: 'fr' });
    expect(text(row(el, 'o-psi').querySelector('[part=booking]'))).toMatch(/14 déc\. 2026.*09:00/);
    expect(text(row(el, 'o-pym'))).toContain('Mise à jour il y a 10 minutes');
    expect(text(part(el, 'send'))).toBe('Envoyer une évaluation');
    expect([...row(el, 'o-berke').querySelectorAll('.fits li')].map(text)[0]).toBe('Sales Representative: 84 % · élevée (principal)');
  });

  it('lays out right to left on an RTL page in Arabic', async () => {
    document.documentElement.setAttribute('dir', 'rtl');
    const el = await mount({ lang: 'ar' });
    expect(text(part(el, 'title'))).toBe('التقييمات');
    expect(getComputedStyle(part(el, 'base')!).direction).toBe('rtl');
    const header = part(el, 'header')!.getBoundingClientRect();
    const title = part(el, 'title')!.getBoundingClientRect();
    // In RTL the title sits at the right edge of the header.
    expect(Math.abs(header.right - title.right)).toBeLessThan(2);
  });

  it('keeps relative times true as time passes', async () => {
    vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'] });
    const el = await mount();
    expect(text(row(el, 'o-pym'))).toContain('Changed 10 minutes ago');
    vi.advanceTimersByTime(60 * 60_000);
    await el.updateComplete;
    expect(text(row(el, 'o-pym'))).toContain('Changed 1 hour ago');
  });

  it('orders once on a double click, with an Idempotency-Key, and shows the new order', async () => {
    let release!: () => void;
    const el = await mount();
    const created = vi.fn();
    el.addEventListener('ca-order-created', created);
    bff.delays.set('/v1/orders', new Promise<void>((r) => (release = r)));
    await userEvent.dblClick(part(el, 'send')!);
    expect(text(part(el, 'send'))).toBe('Sending…');
    release();
    await waitUntil(() => row(el, 'o-new-1'));
    const posts = bff.requests.filter((r) => r.method === 'POST' && r.path === '/v1/orders');
    expect(posts).toHaveLength(1);
    expect(posts[0]!.body).toEqual({ packageId: 'mettl-java' });
    expect(posts[0]!.headers.get('Idempotency-Key')).toMatch(/^[0-9a-f]{32}$/);
    expect(parts(el, 'order')[0]!.dataset.id).toBe('o-new-1');
    // The same order arriving on the stream is not a second creation.
    bff.emit('order.created', order('o-new-1'));
    await aTimeout(50);
    expect(created).toHaveBeenCalledTimes(1);
    expect(text(el.shadowRoot!.querySelector('[aria-live]'))).toBe('Assessment sent: Java coding test');

    // A new intent gets a new key.
    await userEvent.click(part(el, 'send')!);
    await waitUntil(() => bff.count('POST', '/v1/orders') === 2);
    const keys = bff.requests.filter((r) => r.method === 'POST' && r.path === '/v1/orders').map((r) => r.headers.get('Idempotency-Key'));
    expect(keys[0]).not.toBe(keys[1]);
  });

  it('shows a vendor refusal as a sentence', async () => {
    const el = await mount();
    bff.failNext = { method: 'POST', path: '/v1/orders', times: 1, status: 422, code: 'vendor_rejected', message: 'Berke: the email address is not accepted.' };
    await userEvent.click(part(el, 'send')!);
    await waitUntil(() => part(el, 'send-error'));
    expect(text(part(el, 'send-error'))).toBe('The vendor refused this order. Berke: the email address is not accepted.');
    expect(part(el, 'send-error')!.getAttribute('role')).toBe('alert');
  });

  it('orders with the keyboard only', async () => {
    const before = document.createElement('button');
    before.textContent = 'before';
    document.body.append(before);
    mounted.push(before);
    const el = await mount();
    before.focus();
    await userEvent.keyboard('{Tab}');
    expect(el.shadowRoot!.activeElement).toBe(part(el, 'package-select'));
    await userEvent.keyboard('{ArrowDown}');
    await userEvent.keyboard('{Tab}');
    expect(el.shadowRoot!.activeElement).toBe(part(el, 'send'));
    await userEvent.keyboard('{Enter}');
    await waitUntil(() => bff.count('POST', '/v1/orders') === 1);
    expect(bff.requests.find((r) => r.method === 'POST' && r.path === '/v1/orders')!.body).toEqual({ packageId: 'berke-sales' });
    await waitUntil(() => row(el, 'o-new-1'));
    expect(el.shadowRoot!.activeElement).toBe(part(el, 'send'));
  });

  it('launches with the keyboard only: focus fetches a single-use ticket, Enter follows it in a new tab', async () => {
    bff.orders = [makeOrder({ id: 'o-inv', status: 'invited' })];
    const before = document.createElement('button');
    before.textContent = 'before';
    document.body.append(before);
    mounted.push(before);
    const el = await mount({ role: 'candidate' });
    const link = part(el, 'launch') as HTMLAnchorElement;
    expect(link.getAttribute('target')).toBe('_blank');
    expect(link.getAttribute('rel')).toContain('noopener');
    const hrefs = recordNavigation('click');
    before.focus();
    await userEvent.keyboard('{Tab}');
    expect(el.shadowRoot!.activeElement).toBe(link);
    await waitUntil(() => link.href.startsWith(`${API}/l/launch-o-inv-`));
    await userEvent.keyboard('{Enter}');
    expect(hrefs).toEqual([`${API}/l/launch-o-inv-1`]);
    const posts = bff.requests.filter((r) => r.path === '/v1/orders/o-inv/links');
    expect(posts).toHaveLength(1);
    expect(posts[0]!.body).toEqual({ kind: 'launch' });

    // The ticket is single use: the next Enter opens a tab at once and sends it to a fresh ticket.
    await aTimeout(20);
    const tab = { opener: {} as unknown, location: { href: '' }, close: vi.fn() };
    const open = vi.spyOn(window, 'open').mockImplementation(() => tab as unknown as Window);
    await userEvent.keyboard('{Enter}');
    await waitUntil(() => tab.location.href !== '');
    expect(open).toHaveBeenCalledWith('', '_blank');
    expect(tab.opener).toBeNull();
    expect(tab.location.href).toBe(`${API}/l/launch-o-inv-2`);
  });

  it('launches with a middle click through the real link (ticket fetched when the pointer arrives)', async () => {
    bff.orders = [makeOrder({ id: 'o-run', status: 'in_progress', progress: 10 })];
    const el = await mount({ role: 'candidate' });
    const link = part(el, 'launch') as HTMLAnchorElement;
    const hrefs = recordNavigation('auxclick');
    await userEvent.hover(link);
    await waitUntil(() => link.href.startsWith(`${API}/l/launch-o-run-`));
    await userEvent.click(link, { button: 'middle' });
    await waitUntil(() => hrefs.length === 1);
    expect(hrefs[0]).toBe(`${API}/l/launch-o-run-1`);
  });

  it('opens the report from a fresh report ticket', async () => {
    const el = await mount();
    const link = row(el, 'o-mettl').querySelector('[part=report]') as HTMLAnchorElement;
    const hrefs = recordNavigation('click');
    await userEvent.hover(link);
    await waitUntil(() => link.href.includes('/l/report-o-mettl-'));
    await userEvent.click(link);
    expect(hrefs[0]).toMatch(/\/l\/report-o-mettl-\d+$/);
    expect(bff.requests.find((r) => r.path === '/v1/orders/o-mettl/links')!.body).toEqual({ kind: 'report' });
  });

  it('gets a new token from fetchToken after a 401 and retries', async () => {
    const stale = makeToken({ n: 10 });
    const fresh = makeToken({ n: 11 });
    bff.expired.add(stale);
    bff.valid.add(fresh);
    const fetchToken = vi.fn<() => Promise<string>>().mockResolvedValueOnce(stale).mockResolvedValue(fresh);
    const el = create({ api: API });
    el.fetchToken = fetchToken;
    await attach(el);
    expect(part(el, 'list')).not.toBeNull();
    expect(fetchToken).toHaveBeenCalledTimes(2);
    const lists = bff.requests.filter((r) => r.path === '/v1/orders');
    expect(lists.map((r) => r.headers.get('Authorization'))).toEqual([`Bearer ${stale}`, `Bearer ${fresh}`]);
    await waitUntil(() => bff.streams.length === 1);
    expect(bff.streams[0]!.token).toBe(fresh);
  });

  it('refreshes the token at about 80 % of its life, before it expires', async () => {
    const received: number[] = [];
    const tokens: string[] = [];
    const fetchToken = vi.fn(async () => {
      const t = makeToken({ lifeSeconds: 4, n: tokens.length });
      bff.valid.add(t);
      tokens.push(t);
      received.push(Date.now());
      return t;
    });
    const el = create({ api: API });
    el.fetchToken = fetchToken;
    await attach(el);
    expect(fetchToken).toHaveBeenCalledTimes(1);
    await waitUntil(() => fetchToken.mock.calls.length === 2, 'no refresh', { timeout: 6000 });
    const after = received[1]! - received[0]!;
    // 80 % of 4 s is 3.2 s; the token would expire at 4 s.
    expect(after).toBeGreaterThanOrEqual(3100);
    expect(after).toBeLessThan(4000);
    await userEvent.click(part(el, 'send')!);
    await waitUntil(() => bff.count('POST', '/v1/orders') === 1);
    expect(bff.requests.at(-1)!.headers.get('Authorization')).toBe(`Bearer ${tokens[1]}`);
  });

  it('reconnects after the stream drops and resumes from the last event id', async () => {
    const el = await mount();
    await waitUntil(() => bff.streams.length === 1);
    expect(bff.streams[0]!.lastEventId).toBeNull();
    bff.emit('order.updated', later(order('o-pym'), { progress: 70 }));
    const last = bff.emit('order.updated', later(order('o-pym'), { progress: 80 }));
    await waitUntil(() => (row(el, 'o-pym').querySelector('[part=progress]') as HTMLProgressElement).value === 80);
    bff.dropStreams();
    await waitUntil(() => text(part(el, 'connection')) === 'Reconnecting…');
    await waitUntil(() => bff.streams.length === 1, 'no reconnect', { timeout: 5000 });
    expect(bff.streams[0]!.lastEventId).toBe(last);
    await waitUntil(() => text(part(el, 'connection')) === 'Live');
    bff.emit('order.updated', later(order('o-pym'), { status: 'completed', progress: 100 }));
    await waitUntil(() => text(row(el, 'o-pym').querySelector('[part=badge]')) === 'Completed');
    // Resuming needs no refetch of the list.
    expect(bff.count('GET', '/v1/orders')).toBe(1);
  });

  it('refetches the list when the server says resync', async () => {
    const el = await mount();
    await waitUntil(() => bff.streams.length === 1);
    const changes: CaStatusChangeDetail[] = [];
    el.addEventListener('ca-status-change', (e) => changes.push(e.detail));
    bff.orders = bff.orders.map((o) => (o.id === 'o-psi' ? later(o, { status: 'completed' }) : o));
    bff.send('event: resync\ndata: {}\n\n');
    await waitUntil(() => bff.count('GET', '/v1/orders') === 2);
    await waitUntil(() => changes.length === 1);
    expect(changes[0]!.previous).toBe('scheduled');
    expect(text(row(el, 'o-psi').querySelector('[part=badge]'))).toBe('Completed');
  });

  it('shares one live stream between instances for the same candidate and role', async () => {
    const a = await mount({ token: makeToken() });
    const b = await mount({ token: makeToken() });
    await waitUntil(() => bff.streams.length >= 1);
    await aTimeout(50);
    expect(bff.count('GET', '/v1/events')).toBe(1);
    expect(openStreamCount()).toBe(1);
    bff.emit('order.updated', later(order('o-pym'), { status: 'completed' }));
    await waitUntil(() => text(row(a, 'o-pym').querySelector('[part=badge]')) === 'Completed');
    await waitUntil(() => text(row(b, 'o-pym').querySelector('[part=badge]')) === 'Completed');
    // Another candidate on the same page gets a stream of its own.
    const other = await mount({ token: makeToken({ sub: 'cand-456' }) });
    await waitUntil(() => bff.streams.length === 2);
    expect(openStreamCount()).toBe(2);
    other.remove();
    await waitUntil(() => bff.streams.length === 1);
    a.remove();
    await aTimeout(20);
    expect(bff.streams).toHaveLength(1);
    b.remove();
    await aTimeout(20);
    expect(bff.streams).toHaveLength(0);
    expect(openStreamCount()).toBe(0);
  });

  it('gives the candidate view and the recruiter view of one candidate a stream each, so results are never stripped', async () => {
    const candidateToken = makeToken({ role: 'candidate' });
    const recruiterToken = makeToken({ role: 'recruiter' });
    const candidate = await mount({ token: candidateToken });
    await waitUntil(() => bff.streams.length === 1);
    const recruiter = await mount({ token: recruiterToken });
    await waitUntil(() => bff.streams.length === 2, 'the recruiter view joined the candidate view’s stream');
    expect(openStreamCount()).toBe(2);
    expect(bff.streams.map((s) => s.token).sort()).toEqual([candidateToken, recruiterToken].sort());
    // The BFF strips results from what it sends on a candidate's stream; the recruiter view must not get those.
    const scored = later(order('o-pym'), {
      status: 'scored',
      result: { score: 64, maxScore: 100, subScores: [], flags: [], jobFits: [], reportAvailable: false },
    });
    for (const s of bff.streams) {
      const o = s.token === candidateToken ? { ...scored, result: null } : scored;
      const e = { id: '90', type: 'order.updated', orderId: o.id, candidateId: o.candidateId, tenantId: o.tenantId, order: o, at: o.statusChangedAt };
      s.controller.enqueue(new TextEncoder().encode(`id: 90\nevent: order.updated\ndata: ${JSON.stringify(e)}\n\n`));
    }
    await waitUntil(() => text(row(recruiter, 'o-pym').querySelector('[part=badge]')) === 'Results ready');
    await waitUntil(() => text(row(candidate, 'o-pym').querySelector('[part=completed]')) === '✓ Completed');
    await aTimeout(50);
    expect(text(row(recruiter, 'o-pym').querySelector('[part=result]'))).toContain('64 / 100');
  });

  it('renews the token when a request fails with no readable answer after the token expired (a 401 without CORS)', async () => {
    bff.opaque401 = true;
    const stale = makeToken({ lifeSeconds: -60, n: 20 });
    const fresh = makeToken({ n: 21 });
    bff.expired.add(stale);
    bff.valid.add(fresh);
    const fetchToken = vi.fn<() => Promise<string>>().mockResolvedValueOnce(stale).mockResolvedValue(fresh);
    const el = create({ api: API });
    el.fetchToken = fetchToken;
    await attach(el);
    expect(part(el, 'list')).not.toBeNull();
    expect(fetchToken).toHaveBeenCalledTimes(2);
    await waitUntil(() => bff.streams.length === 1);
    expect(bff.streams[0]!.token).toBe(fresh);
  });

  it('tries a failed token refresh again with backoff, tells the page once, and the stream goes on with the new token', async () => {
    const first = makeToken({ lifeSeconds: 2, n: 30 });
    const second = makeToken({ n: 31 });
    bff.valid.add(first);
    bff.valid.add(second);
    const fetchToken = vi
      .fn<() => Promise<string>>()
      .mockResolvedValueOnce(first)
      .mockRejectedValueOnce(new Error('ATS down'))
      .mockResolvedValue(second);
    const el = create({ api: API });
    el.fetchToken = fetchToken;
    const errors: CaErrorDetail[] = [];
    el.addEventListener('ca-error', (e) => errors.push(e.detail));
    await attach(el);
    await waitUntil(() => bff.streams.length === 1);
    // 80 % of 2 s, then 1–2 s of backoff.
    await waitUntil(() => fetchToken.mock.calls.length === 3, 'the failed refresh was not tried again', { timeout: 6000 });
    expect(errors.map((e) => e.code)).toEqual(['token_expired']);
    bff.valid.delete(first);
    bff.expired.add(first);
    bff.dropStreams();
    await waitUntil(() => bff.streams.length === 1 && bff.streams[0]!.token === second, 'no stream with the new token', { timeout: 5000 });
    await userEvent.click(part(el, 'send')!);
    await waitUntil(() => bff.count('POST', '/v1/orders') === 1);
    expect(bff.requests.at(-1)!.headers.get('Authorization')).toBe(`Bearer ${second}`);
  });

  it('shows an error with a retry that works', async () => {
    bff.failNext = { method: 'GET', path: '/v1/orders', times: 1, status: 503, code: 'not_ready', message: 'The store is not reachable.' };
    const el = await mount();
    expect(text(part(el, 'error'))).toContain('Could not load assessments. The store is not reachable.');
    await userEvent.click(part(el, 'retry')!);
    await waitUntil(() => part(el, 'list'));
    expect(parts(el, 'order')).toHaveLength(4);
  });

  it('keeps the list and says so when the token cannot be renewed later', async () => {
    const token = makeToken();
    const el = await mount({ token });
    await waitUntil(() => bff.streams.length === 1);
    bff.valid.delete(token);
    bff.expired.add(token);
    bff.dropStreams();
    await waitUntil(() => part(el, 'error'), 'no message', { timeout: 5000 });
    expect(text(part(el, 'error'))).toContain('Your session has expired. Reload the page.');
    expect(parts(el, 'order')).toHaveLength(4);
    await assert.isAccessible(el);
  });

  it('says what is wrong when the api attribute is missing', async () => {
    const el = create({ token: makeToken() });
    await attach(el);
    expect(text(part(el, 'error'))).toBe('Set the api attribute.');
  });
});
