// The link a reminder hands the recruiter comes from the vendor: only an http(s) URL is bound as an `href`, so a
// `javascript:` link can never run in the ATS page, whatever the BFF let through. Unit level: the action row's
// renderer with a stand-in API caller.
import { html, render } from 'lit';
import type { ActionResponse, Order } from '@ca/shared';
import { waitUntil } from '@open-wc/testing';
import { afterEach, describe, expect, it } from 'vitest';
import orderActions from './acts.js';

const order = { id: 'o1', status: 'invited', packageId: 'p1' } as Order;

describe('the link of a reminder', () => {
  const box = document.createElement('div');
  document.body.append(box);
  afterEach(() => render(html``, box));

  async function remindWith(url: string): Promise<HTMLElement> {
    const answer = { order, action: 'remind', changed: true, vendorCall: 'pymetrics assessment_url', message: 'Send this link.', sentBy: 'ats', url } as ActionResponse;
    const host = { requestUpdate: () => render(row(order), box) };
    const row = orderActions(host, html, { call: async <T,>() => answer as T });
    render(row(order), box);
    await waitUntil(() => box.querySelector('button[part=action-remind]'), 'no remind button');
    box.querySelector<HTMLButtonElement>('button[part=action-remind]')!.click();
    await waitUntil(() => box.querySelector('[part=action-note]'), 'no note');
    return box.querySelector<HTMLElement>('[part=action-note]')!;
  }

  it('binds an https link', async () => {
    const note = await remindWith('https://app.pymetrics.example/invite/abc');
    expect(note.querySelector('a')?.getAttribute('href')).toBe('https://app.pymetrics.example/invite/abc');
  });

  for (const bad of ['javascript:alert(document.domain)', ' JAVASCRIPT:alert(1)', 'data:text/html,<script>alert(1)</script>', 'vbscript:x', '/relative']) {
    it(`binds no link for ${bad.trim().slice(0, 11)}…`, async () => {
      const note = await remindWith(bad);
      expect(note.textContent).toContain('Send this link.');
      expect(note.querySelector('a')).toBeNull();
      expect(note.innerHTML).not.toContain(bad.trim().slice(0, 6));
    });
  }
});
