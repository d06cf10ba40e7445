// Reads the claims of a widget token without verifying it (the BFF verifies). Never trust these for access.
import type { Role } from '@ca/shared';

export interface TokenClaims {
  iss?: string;
  sub?: string;
  role?: Role;
  iat?: number;
  exp?: number;
}

/** The JWT payload, base64url-decoded; null when the token is not a JWT. */
export function readClaims(token: string): TokenClaims | null {
  const part = token.split('.')[1];
  if (!part) return null;
  try {
    const b64 = part.replace(/-/g, '+').replace(/_/g, '/');
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const claims: unknown = JSON.parse(new TextDecoder().decode(bytes));
    return claims && typeof claims === 'object' ? (claims as TokenClaims) : null;
  } catch {
    return null;
  }
}
