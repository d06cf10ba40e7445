import { randomBytes } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { createOAuthIssuer, HOOK_TOKEN_AUDIENCE, type OAuthClientRecord } from './oauth.js';

const secret = randomBytes(32);
const clients: Record<string, OAuthClientRecord> = {
  'psi-acme': { tenantId: 'acme', vendor: 'psi', clientSecret: 's3cret-acme-0123456789' },
  'psi other': { tenantId: 'globex', vendor: 'psi', clientSecret: 'p@ss:w0rd+é' },
};
const findClient = (id: string) => (Object.hasOwn(clients, id) ? clients[id] : undefined);
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

function basic(id: string, pw: string): string {
  const enc = (s: string) => encodeURIComponent(s).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${enc(id)}:${enc(pw)}`).toString('base64')}`;
}

interface Case {
  name: string;
  headers: Record<string, string>;
  body: string;
  status: number;
  error?: string;
  challenge?: boolean;
}

const cases: Case[] = [
  {
    name: 'issues a token to a client authenticated with HTTP Basic',
    headers: { ...FORM, authorization: basic('psi-acme', 's3cret-acme-0123456789') },
    body: 'grant_type=client_credentials',
    status: 200,
  },
  {
    name: 'issues a token to a client authenticated with form fields',
    headers: FORM,
    body: 'grant_type=client_credentials&client_id=psi-acme&client_secret=s3cret-acme-0123456789',
    status: 200,
  },
  {
    name: 'form-urldecodes Basic credentials (RFC 6749 §2.3.1)',
    headers: { ...FORM, authorization: basic('psi other', 'p@ss:w0rd+é') },
    body: 'grant_type=client_credentials',
    status: 200,
  },
  {
    name: 'accepts a client_id in the form that repeats the Basic one',
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8', authorization: basic('psi-acme', 's3cret-acme-0123456789') },
    body: 'grant_type=client_credentials&client_id=psi-acme',
    status: 200,
  },
  {
    name: 'refuses a wrong secret over Basic with a Basic challenge',
    headers: { ...FORM, authorization: basic('psi-acme', 's3cret-acme-0123456780') },
    body: 'grant_type=client_credentials',
    status: 401,
    error: 'invalid_client',
    challenge: true,
  },
  {
    name: 'refuses a wrong secret in form fields',
    headers: FORM,
    body: 'grant_type=client_credentials&client_id=psi-acme&client_secret=nope',
    status: 401,
    error: 'invalid_client',
    challenge: true,
  },
  {
    name: 'refuses an unknown client',
    headers: { ...FORM, authorization: basic('nobody', 's3cret-acme-0123456789') },
    body: 'grant_type=client_credentials',
    status: 401,
    error: 'invalid_client',
    challenge: true,
  },
  {
    name: 'refuses a request without client authentication',
    headers: FORM,
    body: 'grant_type=client_credentials',
    status: 401,
    error: 'invalid_client',
    challenge: true,
  },
  {
    name: 'refuses another authorization scheme',
    headers: { ...FORM, authorization: 'Bearer abc' },
    body: 'grant_type=client_credentials',
    status: 401,
    error: 'invalid_client',
    challenge: true,
  },
  {
    name: 'refuses a grant type other than client_credentials',
    headers: { ...FORM, authorization: basic('psi-acme', 's3cret-acme-0123456789') },
    body: 'grant_type=password&username=a&password=b',
    status: 400,
    error: 'unsupported_grant_type',
  },
  {
    name: 'refuses a missing grant type',
    headers: { ...FORM, authorization: basic('psi-acme', 's3cret-acme-0123456789') },
    body: '',
    status: 400,
    error: 'invalid_request',
  },
  {
    name: 'treats an empty grant type as missing',
    headers: { ...FORM, authorization: basic('psi-acme', 's3cret-acme-0123456789') },
    body: 'grant_type=',
    status: 400,
    error: 'invalid_request',
  },
  {
    name: 'refuses both Basic and a form secret',
    headers: { ...FORM, authorization: basic('psi-acme', 's3cret-acme-0123456789') },
    body: 'grant_type=client_credentials&client_id=psi-acme&client_secret=s3cret-acme-0123456789',
    status: 400,
    error: 'invalid_request',
  },
  {
    name: 'refuses a form client_id that differs from the Basic one',
    headers: { ...FORM, authorization: basic('psi-acme', 's3cret-acme-0123456789') },
    body: 'grant_type=client_credentials&client_id=psi other',
    status: 400,
    error: 'invalid_request',
  },
  {
    name: 'refuses a repeated parameter',
    headers: { ...FORM, authorization: basic('psi-acme', 's3cret-acme-0123456789') },
    body: 'grant_type=client_credentials&grant_type=client_credentials',
    status: 400,
    error: 'invalid_request',
  },
  {
    name: 'refuses a JSON body',
    headers: { 'content-type': 'application/json', authorization: basic('psi-acme', 's3cret-acme-0123456789') },
    body: '{"grant_type":"client_credentials"}',
    status: 400,
    error: 'invalid_request',
  },
  {
    name: 'refuses a scope that breaks the RFC 6749 §3.3 syntax',
    headers: { ...FORM, authorization: basic('psi-acme', 's3cret-acme-0123456789') },
    body: 'grant_type=client_credentials&scope=a%20%20b',
    status: 400,
    error: 'invalid_scope',
  },
];

describe('createOAuthIssuer scope (RFC 6749 §3.3: the server may ignore it)', () => {
  const oauth = createOAuthIssuer({ secret, ttlSeconds: 600 });
  it.each([
    ['client_secret_basic', { ...FORM, authorization: basic('psi-acme', 's3cret-acme-0123456789') }, 'grant_type=client_credentials&scope=notifications%20booking.write'],
    ['client_secret_post', FORM, 'grant_type=client_credentials&client_id=psi-acme&client_secret=s3cret-acme-0123456789&scope=notifications'],
  ])('accepts a requested scope with %s and echoes it', async (_m, headers, body) => {
    const res = await oauth.token({ headers: new Headers(headers), body }, findClient);
    expect(res.status).toBe(200);
    expect(res.body.scope).toBe(new URLSearchParams(body).get('scope'));
    expect(await oauth.verify(`Bearer ${res.body.access_token as string}`)).toMatchObject({ tenantId: 'acme', vendor: 'psi' });
  });
});

describe('createOAuthIssuer token endpoint', () => {
  const oauth = createOAuthIssuer({ secret, ttlSeconds: 600 });

  it.each(cases)('$name', async (c) => {
    const res = await oauth.token({ headers: new Headers(c.headers), body: c.body }, findClient);
    expect(res.status).toBe(c.status);
    expect(res.headers['Cache-Control']).toBe('no-store');
    if (c.status === 200) {
      expect(res.body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 600 });
      const claims = await oauth.verify(`Bearer ${res.body.access_token as string}`);
      expect(claims).not.toBeNull();
      expect(claims!.vendor).toBe('psi');
    } else {
      expect(res.body.error).toBe(c.error);
      expect(res.body.error_description).toEqual(expect.any(String));
      expect(res.body).not.toHaveProperty('access_token');
      expect(res.headers['WWW-Authenticate']).toBe(c.challenge ? 'Basic realm="oauth", charset="UTF-8"' : undefined);
    }
    const everything = JSON.stringify(res);
    for (const client of Object.values(clients)) expect(everything).not.toContain(client.clientSecret);
  });

  it('puts tenant, vendor and client in an HS256 token for the hooks audience', async () => {
    const t0 = new Date('2026-01-01T10:00:00Z');
    const issuer = createOAuthIssuer({ secret, ttlSeconds: 300, now: () => t0 });
    const res = await issuer.token(
      { headers: new Headers({ ...FORM, authorization: basic('psi-acme', 's3cret-acme-0123456789') }), body: 'grant_type=client_credentials' },
      findClient,
    );
    const token = res.body.access_token as string;
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'HS256', typ: 'at+jwt' });
    const payload = decodeJwt(token);
    expect(payload).toMatchObject({
      tenant: 'acme',
      vendor: 'psi',
      client_id: 'psi-acme',
      sub: 'psi-acme',
      aud: HOOK_TOKEN_AUDIENCE,
      iat: t0.getTime() / 1000,
      exp: t0.getTime() / 1000 + 300,
    });
    expect(await issuer.verify(`Bearer ${token}`)).toEqual({ tenantId: 'acme', vendor: 'psi', clientId: 'psi-acme' });
  });
});

describe('createOAuthIssuer bearer verification', () => {
  let clock = new Date('2026-01-01T10:00:00Z');
  const oauth = createOAuthIssuer({ secret, ttlSeconds: 60, now: () => clock });

  async function issue(): Promise<string> {
    const res = await oauth.token(
      { headers: new Headers({ ...FORM, authorization: basic('psi-acme', 's3cret-acme-0123456789') }), body: 'grant_type=client_credentials' },
      findClient,
    );
    return res.body.access_token as string;
  }

  it('accepts a fresh token with the scheme in any case', async () => {
    clock = new Date('2026-01-01T10:00:00Z');
    const token = await issue();
    expect(await oauth.verify(`Bearer ${token}`)).toMatchObject({ tenantId: 'acme' });
    expect(await oauth.verify(`bearer ${token}`)).toMatchObject({ tenantId: 'acme' });
  });

  it('refuses an expired token', async () => {
    clock = new Date('2026-01-01T10:00:00Z');
    const token = await issue();
    clock = new Date('2026-01-01T10:01:06Z');
    expect(await oauth.verify(`Bearer ${token}`)).toBeNull();
  });

  const bad: { name: string; header: (token: string) => string | null }[] = [
    { name: 'no header', header: () => null },
    { name: 'an empty header', header: () => '' },
    { name: 'another scheme', header: (t) => `Basic ${t}` },
    { name: 'a bare token', header: (t) => t },
    { name: 'a tampered payload', header: (t) => `Bearer ${tamper(t)}` },
    { name: 'a tampered signature', header: (t) => `Bearer ${t.slice(0, -2)}${t.endsWith('AA') ? 'BB' : 'AA'}` },
    { name: 'garbage', header: () => 'Bearer not.a.jwt' },
  ];
  it.each(bad)('refuses $name', async ({ header }) => {
    clock = new Date('2026-01-01T10:00:00Z');
    expect(await oauth.verify(header(await issue()))).toBeNull();
  });

  it('refuses a token signed with another secret', async () => {
    clock = new Date('2026-01-01T10:00:00Z');
    const other = createOAuthIssuer({ secret: randomBytes(32), now: () => clock });
    const res = await other.token(
      { headers: new Headers({ ...FORM, authorization: basic('psi-acme', 's3cret-acme-0123456789') }), body: 'grant_type=client_credentials' },
      findClient,
    );
    expect(await oauth.verify(`Bearer ${res.body.access_token as string}`)).toBeNull();
  });

  it('refuses a JWT signed with the raw server secret instead of the derived key', async () => {
    clock = new Date('2026-01-01T10:00:00Z');
    const iat = Math.floor(clock.getTime() / 1000);
    const forged = await new SignJWT({ tenant: 'acme', vendor: 'psi', client_id: 'psi-acme' })
      .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt' })
      .setSubject('psi-acme')
      .setAudience(HOOK_TOKEN_AUDIENCE)
      .setIssuedAt(iat)
      .setExpirationTime(iat + 60)
      .sign(secret);
    expect(await oauth.verify(`Bearer ${forged}`)).toBeNull();
  });

  it('refuses an unsigned (alg none) token', async () => {
    clock = new Date('2026-01-01T10:00:00Z');
    const [, payload] = (await issue()).split('.');
    const none = `${Buffer.from('{"alg":"none","typ":"at+jwt"}').toString('base64url')}.${payload}.`;
    expect(await oauth.verify(`Bearer ${none}`)).toBeNull();
  });

  it('checks its options at construction', () => {
    expect(() => createOAuthIssuer({ secret: randomBytes(16) })).toThrow(/32 bytes/);
    expect(() => createOAuthIssuer({ secret, ttlSeconds: 0 })).toThrow(RangeError);
    expect(() => createOAuthIssuer({ secret, ttlSeconds: 86_400 })).toThrow(RangeError);
  });
});

/** Changes the tenant claim while keeping the original signature. */
function tamper(token: string): string {
  const [h, p, s] = token.split('.');
  const claims = JSON.parse(Buffer.from(p!, 'base64url').toString()) as Record<string, unknown>;
  claims.tenant = 'globex';
  return `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}`;
}
