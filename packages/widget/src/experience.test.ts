// The candidate experience in real Chromium: every language (right to left included) and every state at 320 px
// with axe, 200 % text, forced colors, reduced motion, keyboard-only journeys that keep focus across live updates,
// and one polite announcement per status change. Writes the screenshots in docs/screenshots/experience/.
import { ORDER_STATUSES, type Order } from '@ca/shared';
import { aTimeout, assert, fixture, fixtureCleanup, html, waitUntil } from '@open-wc/testing';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { commands, page, userEvent } from 'vitest/browser';
import './candidate-assessment.js';
import type { CandidateAssessment } from './candidate-assessment.component.js';
import { API, FakeBff, makeOrder, makeToken, sampleOrders } from '../testing/fake-bff.js';

declare module 'vitest/browser' {
  interface BrowserCommands {
    emulateMedia(media: { forcedColors?: 'active' | 'none' | null; reducedMotion?: 'reduce' | 'no-preference' | null }): Promise<void>;
  }
}

// Relative to this file: /work/main/docs/screenshots/experience.
const DIR = '../../../docs/screenshots/experience';
const LANGUAGES = ['en', 'fr', 'ar', 'de', 'es', 'hi'];

let bff: FakeBff;

beforeEach(async () => {
  bff = new FakeBff().install();
  await page.viewport(320, 900);
});

afterEach(async () => {
  fixtureCleanup();
  document.documentElement.style.fontSize = '';
  await commands.emulateMedia({ forcedColors: null, reducedMotion: null });
  vi.unstubAllGlobals();
  await aTimeout(0);
});

afterAll(async () => {
  await page.viewport(900, 900);
});

const part = (el: Element, name: string): HTMLElement | null => el.shadowRoot!.querySelector(`[part~="${name}"]`);
const text = (n: Element | null | undefined): string => (n?.textContent ?? '').replace(/\s+/g, ' ').trim();
const row = (el: Element, id: string): HTMLElement => el.shadowRoot!.querySelector<HTMLElement>(`li[data-id="${id}"]`)!;
const later = (o: Order, over: Partial<Order>): Order => ({ ...o, version: o.version + 1, statusChangedAt: new Date().toISOString(), ...over });

/** Every status once, plus the four vendors' sample orders with results, booking and progress. */
function everything(): Order[] {
  const statuses = ORDER_STATUSES.map((status, i) =>
    makeOrder({
      id: `o-${status}`,
      packageName: `Package ${status}`,
      status,
      createdAt: new Date(Date.now() - (i + 1) * 60_000).toISOString(),
      progress: status === 'in_progress' ? 25 : null,
      error: status === 'failed' ? { code: 'vendor_rejected', message: 'Candidate email already registered.' } : null,
    }),
  );
  return [...statuses, ...sampleOrders()];
}

async function mount(o: { role?: 'recruiter' | 'candidate'; lang?: string; wait?: boolean } = {}): Promise<CandidateAssessment> {
  const token = makeToken({ role: o.role ?? 'recruiter' });
  bff.valid.add(token);
  const lang = o.lang ?? 'en';
  const wrap = await fixture<HTMLDivElement>(
    html`<div lang=${lang} dir=${lang === 'ar' ? 'rtl' : 'ltr'}><candidate-assessment api=${API} token=${token}></candidate-assessment></div>`,
  );
  const el = wrap.querySelector('candidate-assessment')!;
  if (o.wait !== false) {
    await waitUntil(() => part(el, 'list') || part(el, 'empty') || part(el, 'error'), 'the widget did not load', { timeout: 5000 });
    await el.updateComplete;
  }
  return el;
}

/** No horizontal scroll on the page nor inside the widget. */
function expectNoHorizontalScroll(el: CandidateAssessment): void {
  const base = part(el, 'base')!;
  expect(base.scrollWidth, 'the widget scrolls sideways').toBeLessThanOrEqual(base.clientWidth);
  expect(document.documentElement.scrollWidth, 'the page scrolls sideways').toBeLessThanOrEqual(window.innerWidth);
  for (const n of el.shadowRoot!.querySelectorAll<HTMLElement>('li, p, dl, form, header, [part]')) {
    expect(n.getBoundingClientRect().right, `${n.getAttribute('part') ?? n.className} sticks out`).toBeLessThanOrEqual(window.innerWidth + 0.5);
  }
}

/** Every pointer target at least 24 × 24 CSS px (WCAG 2.2 target size, minimum). */
function expectTargets(el: CandidateAssessment): void {
  const targets = [...el.shadowRoot!.querySelectorAll<HTMLElement>('a, button, select')];
  expect(targets.length).toBeGreaterThan(0);
  for (const t of targets) {
    const r = t.getBoundingClientRect();
    expect(Math.min(r.width, r.height), `${t.getAttribute('part')} is too small`).toBeGreaterThanOrEqual(24);
  }
}

/** A PNG of the whole element: the viewport grows to its height for the shot (the width stays). */
async function shoot(el: Element, name: string): Promise<void> {
  const width = window.innerWidth;
  await page.viewport(width, Math.ceil(el.getBoundingClientRect().bottom) + 16);
  window.scrollTo(0, 0);
  await page.screenshot({ path: `${DIR}/${name}.png`, element: el });
  await page.viewport(width, 900);
}

describe('at 320 px in every language', () => {
  for (const lang of LANGUAGES) {
    it(`has no axe violations in any state, no sideways scroll and 24 px targets (${lang})`, async () => {
      let release!: () => void;
      bff.delays.set('/v1/orders', new Promise<void>((r) => (release = r)));
      const loading = await mount({ lang, wait: false });
      await waitUntil(() => part(loading, 'skeleton'));
      await aTimeout(50);
      await assert.isAccessible(loading);
      release();
      bff.delays.clear();

      bff.orders = everything();
      const recruiter = await mount({ lang });
      expect(part(recruiter, 'base')!.getAttribute('lang')).toBe(lang);
      expect(part(recruiter, 'base')!.getAttribute('dir')).toBe(lang === 'ar' ? 'rtl' : 'ltr');
      if (lang !== 'en') expect(text(part(recruiter, 'title'))).not.toBe('Assessments');
      expectNoHorizontalScroll(recruiter);
      expectTargets(recruiter);
      await assert.isAccessible(recruiter);
      await shoot(recruiter, `recruiter-320-${lang}`);

      const candidate = await mount({ role: 'candidate', lang });
      expectNoHorizontalScroll(candidate);
      expectTargets(candidate);
      await assert.isAccessible(candidate);
      await shoot(candidate, `candidate-320-${lang}`);

      bff.dropStreams();
      await waitUntil(() => part(candidate, 'connection')?.classList.contains('reconnecting'), 'not reconnecting');
      await assert.isAccessible(candidate);

      bff.orders = [];
      const empty = await mount({ lang });
      expect(part(empty, 'empty')).not.toBeNull();
      await assert.isAccessible(empty);

      bff.failNext = { method: 'GET', path: '/v1/orders', times: 1, status: 503, code: 'not_ready', message: 'The store is not reachable.' };
      const failing = await mount({ lang });
      expect(part(failing, 'error')).not.toBeNull();
      expectTargets(failing);
      await assert.isAccessible(failing);
    });
  }
});

describe('user settings', () => {
  it('follows the browser font size: 200 % text at 320 px still reflows without sideways scroll', async () => {
    document.documentElement.style.fontSize = '200%';
    bff.orders = everything();
    const el = await mount({ lang: 'de' });
    expect(getComputedStyle(el).fontSize).toBe('28px');
    expectNoHorizontalScroll(el);
    expectTargets(el);
    await assert.isAccessible(el);
    await shoot(el, 'text-200-de');
  });

  it('keeps badges, skeletons and the live dot visible in forced colors (Windows high contrast)', async () => {
    await commands.emulateMedia({ forcedColors: 'active' });
    expect(matchMedia('(forced-colors: active)').matches).toBe(true);
    bff.orders = everything();
    const el = await mount();
    await waitUntil(() => part(el, 'connection'));
    const badge = getComputedStyle(part(el, 'badge')!);
    expect(badge.borderTopStyle).toBe('solid');
    expect(parseFloat(badge.borderTopWidth)).toBeGreaterThanOrEqual(1);
    const dot = getComputedStyle(part(el, 'connection')!, '::before');
    expect(dot.backgroundColor).not.toMatch(/rgba\(0, 0, 0, 0\)|transparent/);
    expect(dot.backgroundColor).toBe(getComputedStyle(part(el, 'title')!).color);
    await assert.isAccessible(el);
    await shoot(el, 'forced-colors');
  });

  it('does not animate the loading skeleton when the person prefers reduced motion', async () => {
    const gate = new Promise<void>(() => {});
    bff.delays.set('/v1/orders', gate);
    const moving = await mount({ wait: false });
    await waitUntil(() => part(moving, 'skeleton'));
    const sk = () => part(moving, 'skeleton')!.querySelector('.sk')!;
    expect(getComputedStyle(sk()).animationName).toBe('pulse');
    await commands.emulateMedia({ reducedMotion: 'reduce' });
    expect(getComputedStyle(sk()).animationName).toBe('none');
    expect(sk().getAnimations()).toHaveLength(0);
    await shoot(moving, 'reduced-motion-loading');
  });
});

describe('keyboard and live updates', () => {
  it('recruiter: orders, then reaches a report by keyboard, and focus stays on that report when a new order arrives above it', async () => {
    bff.orders = sampleOrders();
    const el = await mount();
    const before = document.createElement('button');
    before.textContent = 'before';
    document.body.prepend(before);
    try {
      before.focus();
      await userEvent.keyboard('{Tab}');
      expect(el.shadowRoot!.activeElement).toBe(part(el, 'package-select'));
      await userEvent.keyboard('{Tab}');
      expect(el.shadowRoot!.activeElement).toBe(part(el, 'send'));
      await userEvent.keyboard('{Enter}');
      await waitUntil(() => row(el, 'o-new-1'));
      expect(el.shadowRoot!.activeElement).toBe(part(el, 'send'));
      // Tab on to the first report link (the Berke order's).
      const report = row(el, 'o-berke').querySelector<HTMLElement>('[part=report]')!;
      for (let i = 0; i < 10 && el.shadowRoot!.activeElement !== report; i++) await userEvent.keyboard('{Tab}');
      expect(el.shadowRoot!.activeElement).toBe(report);
      expect(report.matches(':focus-visible')).toBe(true);

      bff.emit('order.created', makeOrder({ id: 'o-other-tab', status: 'requested', packageName: 'Ordered elsewhere', createdAt: new Date().toISOString() }));
      await waitUntil(() => row(el, 'o-other-tab'));
      await el.updateComplete;
      const focused = el.shadowRoot!.activeElement as HTMLElement;
      expect(focused.getAttribute('part')).toBe('report');
      expect(focused.closest('li')!.dataset.id).toBe('o-berke');
      expect(focused.matches(':focus-visible')).toBe(true);
      await shoot(el, 'keyboard-recruiter-focus');
    } finally {
      before.remove();
    }
  });

  it('candidate: launches by keyboard, and when the assessment completes focus moves to its row, not to the page', async () => {
    bff.orders = [makeOrder({ id: 'o-inv', status: 'invited', packageName: 'Java coding test' })];
    const el = await mount({ role: 'candidate' });
    const before = document.createElement('button');
    before.textContent = 'before';
    document.body.prepend(before);
    try {
      before.focus();
      await userEvent.keyboard('{Tab}');
      const launch = part(el, 'launch') as HTMLAnchorElement;
      expect(el.shadowRoot!.activeElement).toBe(launch);
      await waitUntil(() => launch.href.startsWith(`${API}/l/launch-o-inv-`));
      expect(launch.matches(':focus-visible')).toBe(true);

      bff.emit('order.updated', later(bff.orders[0]!, { status: 'completed', progress: 100 }));
      await waitUntil(() => part(el, 'completed'));
      await el.updateComplete;
      expect(document.activeElement).toBe(el);
      expect(el.shadowRoot!.activeElement).toBe(row(el, 'o-inv'));
      expect(row(el, 'o-inv').matches(':focus-visible')).toBe(true);
      await shoot(el, 'keyboard-candidate-focus');
    } finally {
      before.remove();
    }
  });

  it('after Retry by keyboard the focus goes to the heading, not to the page', async () => {
    bff.failNext = { method: 'GET', path: '/v1/orders', times: 1, status: 503, code: 'not_ready', message: 'The store is not reachable.' };
    const el = await mount();
    part(el, 'retry')!.focus();
    await userEvent.keyboard('{Enter}');
    await waitUntil(() => part(el, 'list'));
    expect(el.shadowRoot!.activeElement).toBe(part(el, 'title'));
  });

  it('announces a status change once, through one polite live region', async () => {
    bff.orders = sampleOrders();
    const el = await mount({ lang: 'fr' });
    const regions = el.shadowRoot!.querySelectorAll('[aria-live], [role=status], [role=log]');
    expect(regions).toHaveLength(1);
    const live = regions[0]!;
    expect(live.getAttribute('aria-live')).toBe('polite');
    const said: string[] = [];
    new MutationObserver(() => said.push(text(live))).observe(live, { childList: true, characterData: true, subtree: true });
    const pym = bff.orders.find((o) => o.id === 'o-pym')!;
    const done = later(pym, { status: 'completed', progress: 100 });
    bff.emit('order.updated', done);
    await waitUntil(() => text(live) === 'Job fit games : Terminée' || text(live) === 'Job fit games: Terminée');
    // The same snapshot again (a resumed stream replays it) and a progress-only change say nothing new.
    bff.emit('order.updated', done);
    bff.emit('order.updated', later(pym, { progress: 50 }));
    await aTimeout(100);
    expect(said.filter(Boolean)).toHaveLength(1);
  });
});
