// The authenticator: widget tokens verified once stay verified until they expire (a burst of streams opened with
// one token pays one signature check), and expiry is still answered token_expired.
import { mintWidgetToken, TOKEN_LEEWAY_SECONDS, verifyWidgetToken } from '@ca/shared/server';
import { describe, expect, it, vi } from 'vitest';
import { parseConfig } from '../config.js';
import { AppError } from '../errors.js';
import { createAuthenticator } from './principal.js';

const SECRET = 'w'.repeat(40);
const config = parseConfig(
  {
    publicUrl: 'http://127.0.0.1:8787',
    tenants: { acme: { name: 'Acme', apiKeys: ['acme-api-key-0123456789abcdef'], widgetKeys: { k1: SECRET }, vendors: {}, packages: [] } },
  },
  {},
);
const candidate = { id: 'cand-1', firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' };

describe('authenticator', () => {
  it('accepts a token again without a second signature check, and refuses it once it has expired', async () => {
    let clock = new Date('2027-01-01T10:00:00Z');
    // The real verifier, counted.
    const verify = vi.fn(verifyWidgetToken);
    const auth = createAuthenticator(config, () => clock, verify);
    const { token } = await mintWidgetToken({ tenantId: 'acme', kid: 'k1', secret: SECRET, role: 'candidate', candidate, ttlSeconds: 300, now: clock });
    const first = await auth.authenticate(`Bearer ${token}`);
    expect(first).toMatchObject({ kind: 'widget', tenantId: 'acme', candidateId: 'cand-1', role: 'candidate' });

    expect(verify).toHaveBeenCalledTimes(1);
    verify.mockClear();
    for (let i = 0; i < 200; i++) expect(await auth.authenticate(`Bearer ${token}`)).toBe(first);
    expect(verify).not.toHaveBeenCalled();

    clock = new Date(clock.getTime() + (300 + TOKEN_LEEWAY_SECONDS + 1) * 1000); // past exp and the leeway
    const err = await auth.authenticate(`Bearer ${token}`).catch((e: unknown) => e);
    expect(verify).toHaveBeenCalledTimes(1);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('token_expired');
  });

  it('remembers nothing for a token that failed, nor for one signed with another key', async () => {
    const clock = new Date('2027-01-01T10:00:00Z');
    const auth = createAuthenticator(config, () => clock);
    const { token } = await mintWidgetToken({ tenantId: 'acme', kid: 'k1', secret: 'x'.repeat(40), role: 'recruiter', candidate, now: clock });
    for (let i = 0; i < 2; i++) {
      const err = await auth.authenticate(`Bearer ${token}`).catch((e: unknown) => e);
      expect((err as AppError).code).toBe('token_invalid');
    }
    // One character changed in a signature that verified: a different string, checked again, refused.
    const { token: good } = await mintWidgetToken({ tenantId: 'acme', kid: 'k1', secret: SECRET, role: 'recruiter', candidate, now: clock });
    await auth.authenticate(`Bearer ${good}`);
    const tampered = good.slice(0, -2) + (good.at(-2) === 'A' ? 'B' : 'A') + good.at(-1);
    expect(((await auth.authenticate(`Bearer ${tampered}`).catch((e: unknown) => e)) as AppError).code).toBe('token_invalid');
  });
});
