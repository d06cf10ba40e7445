// Server-side entry: mint and verify widget tokens (docs/contracts.md#widget-tokens). Never import this in a browser bundle.
import { decodeJwt, decodeProtectedHeader, errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { randomUUID } from 'node:crypto';
import {
  MAX_TOKEN_TTL_SECONDS,
  TOKEN_AUDIENCE,
  TOKEN_LEEWAY_SECONDS,
  WidgetClaims,
  type CandidateInfo,
  type JobInfo,
  type Role,
} from './token.js';

export * from './index.js';

export interface MintWidgetTokenOptions {
  /** Tenant id: becomes `iss`. */
  tenantId: string;
  /** Key id in the tenant's `widgetKeys`: becomes the header `kid`. */
  kid: string;
  /** The widget key itself (at least 32 bytes recommended). */
  secret: string;
  role: Role;
  candidate: CandidateInfo & { id: string };
  job?: JobInfo;
  /** Acting ATS user id: becomes `act`. */
  actor?: string;
  /** Token life in seconds; at most 900, default 600. */
  ttlSeconds?: number;
  /** For tests: the current time. */
  now?: Date;
}

/**
 * Mints a widget token for one candidate.
 * @example
 * const { token } = await mintWidgetToken({ tenantId: 'acme', kid: 'k1', secret, role: 'recruiter',
 *   candidate: { id: '123', firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' } });
 */
export async function mintWidgetToken(opts: MintWidgetTokenOptions): Promise<{ token: string; expiresAt: string }> {
  const ttl = opts.ttlSeconds ?? 600;
  if (!Number.isInteger(ttl) || ttl <= 0 || ttl > MAX_TOKEN_TTL_SECONDS) {
    throw new RangeError(`ttlSeconds must be an integer between 1 and ${MAX_TOKEN_TTL_SECONDS}`);
  }
  if (!opts.secret) throw new TypeError('secret is required');
  const iat = Math.floor((opts.now ?? new Date()).getTime() / 1000);
  const exp = iat + ttl;
  const { id, ...cand } = opts.candidate;
  const payload: Record<string, unknown> = { role: opts.role, cand };
  if (opts.job) payload.job = opts.job;
  if (opts.actor) payload.act = opts.actor;
  const token = await new SignJWT(payload)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT', kid: opts.kid })
    .setIssuer(opts.tenantId)
    .setAudience(TOKEN_AUDIENCE)
    .setSubject(id)
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .setJti(randomUUID())
    .sign(new TextEncoder().encode(opts.secret));
  return { token, expiresAt: new Date(exp * 1000).toISOString() };
}

export type TokenErrorCode = 'token_invalid' | 'token_expired';

export class TokenError extends Error {
  constructor(
    readonly code: TokenErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'TokenError';
  }
}

export interface VerifyWidgetTokenOptions {
  /** The widget keys (`kid` → secret) of a configured tenant, or undefined when `iss` is unknown. */
  keysFor: (tenantId: string) => Readonly<Record<string, string>> | undefined;
  now?: Date;
}

/**
 * Verifies a widget token: HS256 only, `kid` among the issuing tenant's keys, `aud`, `exp` with at most
 * 30 s leeway, and a life of at most 15 minutes. Throws `TokenError`.
 */
// Imported once per secret: an import per verification more than doubled its cost (about 200 µs instead of 80).
// Secrets come from configuration, so the cache stays as small as the key set; bounded all the same.
const hmacKeys = new Map<string, Promise<CryptoKey>>();
function hmacKey(secret: string): Promise<CryptoKey> {
  let key = hmacKeys.get(secret);
  if (!key) {
    if (hmacKeys.size >= 256) hmacKeys.clear();
    key = crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
    key.catch(() => hmacKeys.delete(secret));
    hmacKeys.set(secret, key);
  }
  return key;
}

export async function verifyWidgetToken(token: string, opts: VerifyWidgetTokenOptions): Promise<WidgetClaims> {
  let header: ReturnType<typeof decodeProtectedHeader>;
  let unverified: ReturnType<typeof decodeJwt>;
  try {
    header = decodeProtectedHeader(token);
    unverified = decodeJwt(token);
  } catch {
    throw new TokenError('token_invalid', 'The token is not a well-formed JWT.');
  }
  if (header.alg !== 'HS256') throw new TokenError('token_invalid', 'The token must be signed with HS256.');
  if (typeof unverified.iss !== 'string') throw new TokenError('token_invalid', 'The token has no issuer.');
  const keys = opts.keysFor(unverified.iss);
  if (!keys) throw new TokenError('token_invalid', 'The token was issued by an unknown tenant.');
  if (typeof header.kid !== 'string' || !Object.hasOwn(keys, header.kid)) {
    throw new TokenError('token_invalid', 'The token is signed with an unknown key id.');
  }
  const secret = keys[header.kid]!;
  let payload: unknown;
  try {
    const verified = await jwtVerify(token, await hmacKey(secret), {
      algorithms: ['HS256'],
      audience: TOKEN_AUDIENCE,
      issuer: unverified.iss,
      clockTolerance: TOKEN_LEEWAY_SECONDS,
      requiredClaims: ['iat', 'exp', 'sub', 'jti'],
      ...(opts.now ? { currentDate: opts.now } : {}),
    });
    payload = verified.payload;
  } catch (err) {
    if (err instanceof joseErrors.JWTExpired) throw new TokenError('token_expired', 'The token has expired.');
    throw new TokenError('token_invalid', 'The token signature or claims are invalid.');
  }
  const parsed = WidgetClaims.safeParse(payload);
  if (!parsed.success) throw new TokenError('token_invalid', 'The token claims are incomplete.');
  const claims = parsed.data;
  if (claims.exp - claims.iat > MAX_TOKEN_TTL_SECONDS) {
    throw new TokenError('token_invalid', 'The token lives longer than 15 minutes.');
  }
  const now = Math.floor((opts.now ?? new Date()).getTime() / 1000);
  if (claims.iat > now + TOKEN_LEEWAY_SECONDS) throw new TokenError('token_invalid', 'The token is issued in the future.');
  return claims;
}
