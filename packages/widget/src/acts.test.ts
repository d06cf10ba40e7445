// The recruiter's order actions (acts.ts, a chunk the recruiter view loads) against a real BFF: the buttons that fit
// the status and that the vendor offers (the catalog's `actions`), cancel, then a new attempt that joins the list.
import { waitUntil } from '@open-wc/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startRealBff, type RealBff } from '../testing/real-bff.js';
import { actionMessages } from './acts.js';
import './candidate-assessment.js';
import ar from './locales/acts-ar.js';
import de from './locales/acts-de.js';
import es from './locales/acts-es.js';
import fr from './locales/acts-fr.js';
import hi from './locales/acts-hi.js';
import type { CandidateAssessment } from './candidate-assessment.component.js';

let bff: RealBff;
const control = <T,>(op: string, body: Record<string, unknown> = {}): Promise<T> => bff.control<T>(op, body);
const all = (el: Element, sel: string) => [...(el.shadowRoot ?? el).querySelectorAll<HTMLElement>(sel)];
const text = (n: Element | null | undefined): string => (n?.textContent ?? '').replace(/\s+/g, ' ').trim();

describe('recruiter actions in the widget', () => {
  let api = '';
  let el: CandidateAssessment | undefined;
  const candidateId = `acts-${Date.now()}`;
  beforeAll(async () => {
    bff = await startRealBff();
    api = bff.url;
  });
  afterEach(() => el?.remove());
  afterAll(async () => {
    await bff?.stop();
  });

  it('offers the actions that fit and the vendor has, cancels and orders a new attempt', async () => {
    const tok = (await control<{ token: string }>('token', { role: 'recruiter', candidateId })).token;
    const placed = await fetch(`${api}/v1/orders`, { method: 'POST', headers: { Authorization: `Bearer ${tok}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ packageId: 'sales' }) });
    const { order } = (await placed.json()) as { order: { id: string } };
    el = document.createElement('candidate-assessment');
    el.setAttribute('api', api);
    el.fetchToken = async () => (await control<{ token: string }>('token', { role: 'recruiter', candidateId })).token;
    document.body.append(el);
    const row = () => el!.shadowRoot!.querySelector<HTMLElement>(`li[part=order][data-id="${order.id}"]`);
    const buttons = () => all(row() ?? el!, 'button[part^=action-]').map((b) => b.getAttribute('part'));
    await waitUntil(() => row()?.dataset['status'] === 'invited' && buttons().length > 0, 'no actions for the invited order', { timeout: 15_000 });
    // The in-memory vendor has no reminder call, and the catalog says so: no "send again" button to fail.
    expect(buttons()).toEqual(['action-cancel']);

    const confirm = window.confirm;
    window.confirm = () => true;
    try {
      all(row()!, 'button[part=action-cancel]')[0]!.click();
      await waitUntil(() => row()?.dataset['status'] === 'cancelled', 'not cancelled', { timeout: 10_000 });
    } finally {
      window.confirm = confirm;
    }
    await waitUntil(() => text(row()!.querySelector('[part=action-note]')).includes('marked cancelled here only'), 'no note');
    await waitUntil(() => buttons().join() === 'action-retake', 'no retake button');

    const before = all(el, 'li[part=order]').length;
    all(row()!, 'button[part=action-retake]')[0]!.click();
    await waitUntil(() => all(el!, 'li[part=order]').length === before + 1, 'the new attempt did not join the list', { timeout: 10_000 });
    // The new order can arrive on the stream before the answer to the click: wait for the answer's note too.
    await waitUntil(() => /new attempt was ordered/.test(text(row()!.querySelector('[part=action-note]'))), 'no note for the new attempt', { timeout: 10_000 });
  });

  it("speaks the widget's language, and follows it when it changes", async () => {
    const candidate = `${candidateId}-fr`;
    const tok = (await control<{ token: string }>('token', { role: 'recruiter', candidateId: candidate })).token;
    await fetch(`${api}/v1/orders`, { method: 'POST', headers: { Authorization: `Bearer ${tok}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ packageId: 'sales' }) });
    el = document.createElement('candidate-assessment');
    el.setAttribute('api', api);
    el.setAttribute('lang', 'fr');
    el.fetchToken = async () => (await control<{ token: string }>('token', { role: 'recruiter', candidateId: candidate })).token;
    document.body.append(el);
    const cancel = () => all(el!, 'button[part=action-cancel]')[0];
    await waitUntil(() => text(cancel()) === 'Annuler', `the cancel button is not in French: "${text(cancel())}"`, { timeout: 30_000 });
    el.setAttribute('lang', 'de');
    await waitUntil(() => text(cancel()) === 'Abbrechen', `the cancel button did not follow to German: "${text(cancel())}"`, { timeout: 30_000 });
    // What the action did is said in German too, not in the BFF's English (the in-memory vendor has no cancel call).
    const confirm = window.confirm;
    window.confirm = () => true;
    try {
      cancel()!.click();
      const note = () => text(el!.shadowRoot!.querySelector('[part=action-note]'));
      await waitUntil(() => note() !== '', 'no note after cancelling', { timeout: 10_000 });
      expect(note()).toBe('Hier storniert; der Anbieter wurde nicht gebeten, den Test zurückzuziehen.');
    } finally {
      window.confirm = confirm;
    }
  });

  it('has every line in every language: the buttons, then what an action did and why it failed', async () => {
    for (const [lang, chunk] of Object.entries({ ar, de, es, fr, hi })) {
      const lines = chunk.split('\n');
      expect(lines.length, lang).toBe(Object.keys(actionMessages).length + 10); // acts.ts: 6 outcomes, 3 error codes, 1 failure
      expect(lines.filter((l) => !l.trim()), lang).toEqual([]);
    }
  });
});
