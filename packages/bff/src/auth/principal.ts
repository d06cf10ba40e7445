// Who is calling: a widget token (one candidate of one tenant) or a tenant API key (the ATS back end).
// Tokens travel only in the Authorization header. Never logs a token or key.
import { unstorablePath } from '@ca/shared';
import { TOKEN_LEEWAY_SECONDS, verifyWidgetToken, TokenError, type WidgetClaims } from '@ca/shared/server';
import { decodeJwt } from 'jose';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Config } from '../config.js';
import { AppError, unauthorized } from '../errors.js';

export type Principal =
  | { kind: 'widget'; tenantId: string; candidateId: string; role: 'recruiter' | 'candidate'; claims: WidgetClaims }
  | { kind: 'apiKey'; tenantId: string };

export type PrincipalVariables = { principal: Principal };

const sha = (s: string) => createHash('sha256').update(s).digest();

/** Widget tokens verified recently, oldest first (a widget reuses its token for every call and stream until it refreshes). */
const VERIFIED_TOKENS = 5000;

/** `verify` is the widget-token check; a test passes a counted one (principal.test.ts) to see the cache skip it. */
export function createAuthenticator(config: Config, now: () => Date = () => new Date(), verify: typeof verifyWidgetToken = verifyWidgetToken) {
  // A signature check costs about 80 µs of this thread (WebCrypto HMAC through jose): a burst of streams opened with
  // one token paid it for each. The same token string verified once stays verified until it expires.
  const verified = new Map<string, { principal: Principal; exp: number }>();
  const apiKeys = Object.entries(config.tenants).flatMap(([tenantId, t]) => t.apiKeys.map((k) => ({ tenantId, hash: sha(k) })));

  function apiKeyTenant(key: string): string | undefined {
    const h = sha(key);
    let found: string | undefined;
    for (const k of apiKeys) if (timingSafeEqual(k.hash, h)) found = k.tenantId; // no early exit: constant time in the key list
    return found;
  }

  return {
    /** Resolves the caller from an Authorization header value; throws 401 AppErrors. */
    async authenticate(header: string | undefined | null): Promise<Principal> {
      if (!header) throw unauthorized('token_missing', 'Send a widget token or API key as "Authorization: Bearer …".');
      const m = /^Bearer\s+([A-Za-z0-9._~+/=-]+)\s*$/i.exec(header);
      if (!m) throw unauthorized('token_invalid', 'The Authorization header must be "Bearer <token>".');
      const credential = m[1]!;
      if (credential.split('.').length === 3) {
        const at = now();
        const seen = verified.get(credential);
        // Expiry is the one thing that changes for a token already verified: past it (leeway included, as jose
        // counts it), verify again, which answers token_expired.
        if (seen && at.getTime() / 1000 - TOKEN_LEEWAY_SECONDS < seen.exp) return seen.principal;
        try {
          const claims = await verify(credential, {
            keysFor: (iss) => (Object.hasOwn(config.tenants, iss) ? config.tenants[iss]!.widgetKeys : undefined),
            now: at,
          });
          // Signed by the tenant, but still input: a claim the store cannot keep is refused here, not by the database.
          if (unstorablePath(claims) !== null) throw unauthorized('token_invalid', 'The token carries a claim with NUL or invalid Unicode.');
          const principal: Principal = { kind: 'widget', tenantId: claims.iss, candidateId: claims.sub, role: claims.role, claims };
          if (verified.size >= VERIFIED_TOKENS) verified.delete(verified.keys().next().value!);
          verified.set(credential, { principal, exp: claims.exp });
          return principal;
        } catch (err) {
          if (err instanceof TokenError) throw unauthorized(err.code, err.message);
          throw err;
        }
      }
      const tenantId = apiKeyTenant(credential);
      if (!tenantId) throw unauthorized('unauthorized', 'The API key is not valid.');
      return { kind: 'apiKey', tenantId };
    },
  };
}

export type Authenticator = ReturnType<typeof createAuthenticator>;

/** 401 responses carry RFC 6750 `WWW-Authenticate`. */
export function wwwAuthenticate(err: AppError): string | undefined {
  if (err.status !== 401 || err.challenge === null) return undefined;
  if (err.challenge !== undefined) return err.challenge;
  const e = err.code === 'token_missing' ? '' : `, error="invalid_token", error_description="${err.message.replace(/"/g, "'")}"`;
  return `Bearer realm="candidate-assessment"${e}`;
}

/**
 * The tenant a credential claims to be from, unverified (a widget token's `iss` naming a configured tenant), for
 * counting failed attempts per tenant. API keys name no tenant until they match.
 */
export function claimedTenant(config: Config, header: string | undefined | null): string | undefined {
  const credential = /^Bearer\s+(\S+)/i.exec(header ?? '')?.[1];
  if (!credential || credential.split('.').length !== 3) return undefined;
  try {
    const iss = decodeJwt(credential).iss;
    return typeof iss === 'string' && Object.hasOwn(config.tenants, iss) ? iss : undefined;
  } catch {
    return undefined;
  }
}
