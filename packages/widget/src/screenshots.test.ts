// Writes PNGs of the recruiter and candidate views, default and themed, to docs/screenshots/ for reviewers.
import { fixture, fixtureCleanup, html, waitUntil } from '@open-wc/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { page } from 'vitest/browser';
import './candidate-assessment.js';
import type { CandidateAssessment } from './candidate-assessment.component.js';
import { API, FakeBff, makeOrder, makeToken, sampleOrders } from '../testing/fake-bff.js';

// Relative to this file: /work/main/docs/screenshots.
const DIR = '../../../docs/screenshots';

const THEME = `
  --ca-font: Georgia, 'DejaVu Serif', serif;
  --ca-color-text: #1c1917;
  --ca-color-bg: #fffbeb;
  --ca-color-surface: #fef3c7;
  --ca-color-border: #d6a64b;
  --ca-color-muted: #57534e;
  --ca-color-accent: #7c2d12;
  --ca-color-accent-text: #fff;
  --ca-radius: 2px;
  --ca-space: 14px;
`;

afterEach(() => {
  fixtureCleanup();
  vi.unstubAllGlobals();
});

async function shoot(role: 'recruiter' | 'candidate', themed: boolean, lang = 'en'): Promise<void> {
  const bff = new FakeBff().install();
  bff.orders = [makeOrder({ id: 'o-invited', packageName: 'Java coding test', status: 'invited', createdAt: new Date().toISOString() }), ...sampleOrders()];
  const token = makeToken({ role });
  bff.valid.add(token);
  await page.viewport(720, 1100);
  const el = await fixture<CandidateAssessment>(
    html`<div dir=${lang === 'ar' ? 'rtl' : 'ltr'} style="padding:16px;width:640px;background:${themed ? '#fff7ed' : '#f3f4f6'}">
      <candidate-assessment api=${API} token=${token} lang=${lang} style=${themed ? THEME : ''}></candidate-assessment>
    </div>`,
  );
  const widget = el.querySelector('candidate-assessment')!;
  await waitUntil(() => widget.shadowRoot?.querySelector('[part~="list"]') && widget.shadowRoot.querySelector('[part~="connection"]'));
  const name = `${role}${themed ? '-themed' : ''}${lang === 'en' ? '' : `-${lang}`}.png`;
  const path = await page.screenshot({ path: `${DIR}/${name}`, element: el });
  expect(path).toMatch(new RegExp(`docs/screenshots/${name}$`));
}

describe('screenshots', () => {
  it('writes the recruiter view, default theme', () => shoot('recruiter', false));
  it('writes the recruiter view, themed through --ca-* properties', () => shoot('recruiter', true));
  it('writes the candidate view, default theme', () => shoot('candidate', false));
  it('writes the candidate view, themed through --ca-* properties', () => shoot('candidate', true));
  it('writes the recruiter view in Arabic, right to left', () => shoot('recruiter', false, 'ar'));
});
