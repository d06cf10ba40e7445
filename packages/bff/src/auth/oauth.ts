// OAuth2 client-credentials grant (RFC 6749 §4.4) for vendors that call our hooks with a bearer token (PSI).
// Pure logic, no HTTP framework or database. Never echoes, logs or embeds a client secret.
import { createHash, hkdfSync, randomUUID, timingSafeEqual } from 'node:crypto';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';

/** `aud` of every hook access token: valid on vendor hooks only, never on the widget API. */
export const HOOK_TOKEN_AUDIENCE = 'ca-hooks';
/** RFC 9068 access-token type, checked on verify so no other JWT of ours passes as one. */
const TOKEN_TYP = 'at+jwt';
const DEFAULT_TTL_SECONDS = 3600;
const MAX_TTL_SECONDS = 3600;
const CLOCK_TOLERANCE_SECONDS = 5;
const FORM_TYPE = 'application/x-www-form-urlencoded';
/** RFC 6749 §3.3: `scope-token *( SP scope-token )`, scope-token = 1*( %x21 / %x23-5B / %x5D-7E ). */
const SCOPE = /^[\x21\x23-\x5B\x5D-\x7E]+(?: [\x21\x23-\x5B\x5D-\x7E]+)*$/;

/** A client as configured for a tenant's vendor block (`vendors.psi.clients`). */
export interface OAuthClientRecord {
  tenantId: string;
  vendor: string;
  clientSecret: string;
}

export interface TokenRequest {
  headers: Headers;
  /** The raw request body (the route has size-limited it). */
  body: string;
}

/** What the route sends back: a JSON body, a status and headers (Content-Type is left to the route). */
export interface TokenResponse {
  status: number;
  body: Record<string, unknown>;
  headers: Record<string, string>;
}

export interface HookClaims {
  tenantId: string;
  vendor: string;
  clientId: string;
}

export interface OAuthIssuerOptions {
  /** Server secret (at least 32 bytes). A signing key for hook tokens is derived from it (HKDF), so the same
   *  secret can serve other purposes without a token of one being valid as another. */
  secret: Uint8Array;
  /** Access-token life, 1..3600 s; default 3600. */
  ttlSeconds?: number;
  now?: () => Date;
}

export interface OAuthIssuer {
  /** Answers `POST /oauth/token`. `findClient` looks a client id up across tenants. */
  token(
    req: TokenRequest,
    findClient: (clientId: string) => OAuthClientRecord | undefined,
  ): Promise<TokenResponse>;
  /** The claims of a valid `Authorization: Bearer <token>` header, or null (wrong scheme, signature, aud, exp…). */
  verify(authorizationHeader: string | null): Promise<HookClaims | null>;
}

/** The RFC 6749 §5.2 codes this grant can produce (`invalid_grant` has no meaning without a grant to check). */
type OAuthErrorCode = 'invalid_request' | 'invalid_client' | 'unsupported_grant_type' | 'invalid_scope';

/** Client credentials as presented, with the method used (RFC 6749 §2.3.1). */
interface PresentedCredentials {
  method: 'basic' | 'form';
  clientId: string;
  clientSecret: string;
}

class OAuthRefusal extends Error {
  constructor(
    readonly code: OAuthErrorCode,
    readonly description: string,
  ) {
    super(description);
  }
}

/**
 * Creates the token issuer and verifier for `POST /oauth/token` and the bearer check of vendor hooks.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.4
 * @example
 * const oauth = createOAuthIssuer({ secret });
 * const res = await oauth.token({ headers: req.headers, body: await req.text() }, (id) => clients.get(id));
 * const claims = await oauth.verify(req.headers.get('authorization'));
 */
export function createOAuthIssuer(opts: OAuthIssuerOptions): OAuthIssuer {
  if (!(opts.secret instanceof Uint8Array) || opts.secret.byteLength < 32) {
    throw new TypeError('createOAuthIssuer: secret must be at least 32 bytes');
  }
  const ttl = opts.ttlSeconds ?? DEFAULT_TTL_SECONDS;
  if (!Number.isInteger(ttl) || ttl < 1 || ttl > MAX_TTL_SECONDS) {
    throw new RangeError(`createOAuthIssuer: ttlSeconds must be an integer between 1 and ${MAX_TTL_SECONDS}`);
  }
  const now = opts.now ?? (() => new Date());
  const key = new Uint8Array(hkdfSync('sha256', opts.secret, new Uint8Array(0), 'ca-hooks oauth access token', 32));

  async function token(
    req: TokenRequest,
    findClient: (clientId: string) => OAuthClientRecord | undefined,
  ): Promise<TokenResponse> {
    try {
      const params = parseForm(req);
      const presented = presentedCredentials(req.headers, params);
      const grantType = params.get('grant_type');
      if (grantType === undefined) throw new OAuthRefusal('invalid_request', 'grant_type is required.');
      const client = authenticate(presented, findClient);
      if (grantType !== 'client_credentials') {
        throw new OAuthRefusal('unsupported_grant_type', 'Only grant_type=client_credentials is supported.');
      }
      // RFC 6749 §3.3: the server may ignore a requested scope. Vendors' token clients often send one they were
      // configured with (PSI's is not documented), so it is accepted and echoed; the token is for our hooks whatever
      // it says. Only a scope that breaks the §3.3 syntax is refused.
      const scope = params.get('scope');
      if (scope !== undefined && !SCOPE.test(scope)) {
        throw new OAuthRefusal('invalid_scope', 'The scope parameter is malformed (RFC 6749 §3.3).');
      }
      const iat = Math.floor(now().getTime() / 1000);
      const accessToken = await new SignJWT({ tenant: client.tenantId, vendor: client.vendor, client_id: presented.clientId })
        .setProtectedHeader({ alg: 'HS256', typ: TOKEN_TYP })
        .setSubject(presented.clientId)
        .setAudience(HOOK_TOKEN_AUDIENCE)
        .setIssuedAt(iat)
        .setExpirationTime(iat + ttl)
        .setJti(randomUUID())
        .sign(key);
      return {
        status: 200,
        body: { access_token: accessToken, token_type: 'Bearer', expires_in: ttl, ...(scope !== undefined ? { scope } : {}) },
        headers: { 'Cache-Control': 'no-store', Pragma: 'no-cache' },
      };
    } catch (err) {
      if (!(err instanceof OAuthRefusal)) throw err;
      const headers: Record<string, string> = { 'Cache-Control': 'no-store', Pragma: 'no-cache' };
      let status = 400;
      if (err.code === 'invalid_client') {
        // RFC 6749 §5.2 wants a Basic challenge when Basic was tried; RFC 9110 §11.6.1 wants one on every 401,
        // so form-authenticated clients get it too (it tells them which scheme we support).
        status = 401;
        headers['WWW-Authenticate'] = 'Basic realm="oauth", charset="UTF-8"';
      }
      return { status, body: { error: err.code, error_description: err.description }, headers };
    }
  }

  /**
   * Tokens already verified, with their expiry: a vendor sends many notifications with one token, and a JWT cannot
   * change, so only its expiry needs checking again. Bounded; emptied when full.
   */
  const verified = new Map<string, { claims: HookClaims; expMs: number }>();

  async function verify(authorizationHeader: string | null): Promise<HookClaims | null> {
    if (!authorizationHeader) return null;
    // RFC 6750 §2.1: `Bearer` (scheme case-insensitive, RFC 7235 §2.1), one space, a b64token.
    const m = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/i.exec(authorizationHeader.trim());
    if (!m) return null;
    const known = verified.get(m[1]!);
    if (known && now().getTime() < known.expMs + CLOCK_TOLERANCE_SECONDS * 1000) return known.claims;
    try {
      const { payload } = await jwtVerify(m[1]!, key, {
        algorithms: ['HS256'],
        audience: HOOK_TOKEN_AUDIENCE,
        typ: TOKEN_TYP,
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        requiredClaims: ['exp', 'iat', 'sub'],
        currentDate: now(),
      });
      const { tenant, vendor, client_id: clientId } = payload;
      if (typeof tenant !== 'string' || typeof vendor !== 'string' || typeof clientId !== 'string') return null;
      if (payload.sub !== clientId) return null;
      const claims = { tenantId: tenant, vendor, clientId };
      if (verified.size >= 1024) verified.clear();
      verified.set(m[1]!, { claims, expMs: payload.exp! * 1000 });
      return claims;
    } catch (err) {
      if (err instanceof joseErrors.JOSEError) return null;
      throw err;
    }
  }

  return { token, verify };
}

/** The form parameters, each at most once (RFC 6749 §3.2); an empty value counts as omitted. */
function parseForm(req: TokenRequest): { get(name: string): string | undefined } {
  const type = (req.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== FORM_TYPE) {
    throw new OAuthRefusal('invalid_request', `The request body must be ${FORM_TYPE}.`);
  }
  const params = new URLSearchParams(req.body);
  const seen = new Map<string, string>();
  for (const [name, value] of params) {
    if (seen.has(name)) throw new OAuthRefusal('invalid_request', `Parameter ${name} is repeated.`);
    seen.set(name, value);
  }
  return { get: (name) => (seen.get(name) ? seen.get(name) : undefined) };
}

/** Reads client credentials from HTTP Basic or the form, refusing both at once (RFC 6749 §2.3). */
function presentedCredentials(
  headers: Headers,
  params: { get(name: string): string | undefined },
): PresentedCredentials {
  const authorization = headers.get('authorization');
  const formId = params.get('client_id');
  const formSecret = params.get('client_secret');
  if (authorization !== null) {
    const m = /^Basic ([A-Za-z0-9+/]+=*)$/i.exec(authorization.trim());
    if (!m) throw new OAuthRefusal('invalid_client', 'Client authentication must use HTTP Basic.');
    const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw new OAuthRefusal('invalid_client', 'Malformed HTTP Basic credentials.');
    let clientId: string;
    let clientSecret: string;
    try {
      // RFC 6749 §2.3.1: id and secret are form-urlencoded before Basic encoding.
      clientId = formDecode(decoded.slice(0, colon));
      clientSecret = formDecode(decoded.slice(colon + 1));
    } catch {
      throw new OAuthRefusal('invalid_client', 'Malformed HTTP Basic credentials.');
    }
    if (formSecret !== undefined || (formId !== undefined && formId !== clientId)) {
      throw new OAuthRefusal('invalid_request', 'Use one client authentication method: HTTP Basic or form fields.');
    }
    return { method: 'basic', clientId, clientSecret };
  }
  if (formId === undefined || formSecret === undefined) {
    throw new OAuthRefusal('invalid_client', 'Client authentication is required (HTTP Basic or client_id and client_secret).');
  }
  return { method: 'form', clientId: formId, clientSecret: formSecret };
}

function formDecode(s: string): string {
  return decodeURIComponent(s.replace(/\+/g, ' '));
}

/** A constant-time check of the presented secret; an unknown client costs the same as a wrong secret. */
function authenticate(
  presented: PresentedCredentials,
  findClient: (clientId: string) => OAuthClientRecord | undefined,
): OAuthClientRecord {
  const client = findClient(presented.clientId);
  const given = createHash('sha256').update(presented.clientSecret).digest();
  const expected = createHash('sha256').update(client?.clientSecret ?? randomUUID()).digest();
  const equal = timingSafeEqual(given, expected);
  if (!client || !equal) {
    throw new OAuthRefusal('invalid_client', 'Client authentication failed.');
  }
  return client;
}
