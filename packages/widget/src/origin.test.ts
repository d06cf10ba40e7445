// The widget on a page whose origin the tenant did not allow, in Chromium against a real BFF: it reports
// `origin_not_allowed` to the host page with the BFF's sentence naming the origin and the setting, and shows it,
// instead of "Cannot reach the assessment service" (routes/cors.ts of the BFF makes the refusal readable).
import { waitUntil } from '@open-wc/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import './candidate-assessment.js';
import type { CaErrorDetail } from './events.js';
import { startRealBff, type RealBff } from '../testing/real-bff.js';

let bff: RealBff;

beforeAll(async () => {
  bff = await startRealBff({ allowOrigin: 'https://ats.example.com' });
});
afterAll(async () => {
  await bff?.stop();
});

describe('a page origin the tenant did not allow', () => {
  it('is reported to the host page as origin_not_allowed, naming the origin and the setting', async () => {
    const { token } = await bff.control<{ token: string }>('token', { role: 'recruiter' });
    const el = document.createElement('candidate-assessment');
    el.setAttribute('api', bff.url);
    el.fetchToken = async () => token;
    const errors: CaErrorDetail[] = [];
    el.addEventListener('ca-error', (e) => errors.push(e.detail));
    document.body.append(el);
    try {
      await waitUntil(() => errors.length > 0, 'no ca-error', { timeout: 15_000 });
      const sentence = `Origin ${location.origin} is not allowed for tenant acme: add it to tenants.acme.allowedOrigins in the BFF config.`;
      expect(errors[0]).toEqual({ code: 'origin_not_allowed', message: sentence });
      await waitUntil(() => (el.shadowRoot?.textContent ?? '').includes(sentence), 'the error state does not say it', { timeout: 5000 });
    } finally {
      el.remove();
    }
  });
});
