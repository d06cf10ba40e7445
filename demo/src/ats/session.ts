// The demo ATS's own sign-in: a signed cookie saying who is using the ATS (a recruiter, or one candidate). The
// widget token's role comes from this session, never from the page or the query string: a real ATS does the same
// with its own login. No password: the demo only shows where the role must come from.
import { escapeHtml as esc } from '@ca/bff';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AtsCandidate } from './candidates.js';

export type AtsSession = { role: 'recruiter' } | { role: 'candidate'; candidateId: string };

export const SESSION_COOKIE = 'ats_session';

export function createSessions(key: Uint8Array = randomBytes(32)) {
  const mac = (v: string) => createHmac('sha256', key).update(v).digest('base64url');
  return {
    /** The Set-Cookie value for a session: HttpOnly, SameSite=Lax, the whole site. */
    cookie(s: AtsSession): string {
      const v = Buffer.from(JSON.stringify(s)).toString('base64url');
      return `${SESSION_COOKIE}=${v}.${mac(v)}; Path=/; HttpOnly; SameSite=Lax`;
    },
    clear: () => `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`,
    /** The session in a Cookie header, or null when there is none or its signature is wrong. */
    read(cookieHeader: string | undefined): AtsSession | null {
      const raw = (cookieHeader ?? '').split(/;\s*/).find((c) => c.startsWith(`${SESSION_COOKIE}=`))?.slice(SESSION_COOKIE.length + 1);
      const [v, sig] = (raw ?? '').split('.');
      if (!v || !sig) return null;
      const a = Buffer.from(sig);
      const b = Buffer.from(mac(v));
      if (a.length !== b.length || !timingSafeEqual(a, b)) return null;
      try {
        const s = JSON.parse(Buffer.from(v, 'base64url').toString('utf8')) as AtsSession;
        return s.role === 'recruiter' || (s.role === 'candidate' && typeof s.candidateId === 'string') ? s : null;
      } catch {
        return null;
      }
    },
  };
}

export type Sessions = ReturnType<typeof createSessions>;

/** A same-site path to go to after signing in; anything else goes home. */
export const safeNext = (next: unknown): string => (typeof next === 'string' && /^\/(?![/\\])/.test(next) ? next : '/');

/** "Sign in as …": the recruiter, or one of the candidates. Plain forms, no script. */
export function loginPage(company: string, candidates: readonly AtsCandidate[], next: string, session: AtsSession | null): string {
  const form = (label: string, fields: Record<string, string>) =>
    `<form method="post" action="/login">${Object.entries({ ...fields, next })
      .map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v)}">`)
      .join('')}<button type="submit">${esc(label)}</button></form>`;
  const current = session ? (session.role === 'recruiter' ? 'the recruiter Riley Chen' : `candidate ${session.candidateId}`) : null;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in · ${esc(company)}</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/ats.css">
</head>
<body class="recruiter">
<main id="main">
<section class="card narrow"><h1>Sign in to ${esc(company)}</h1>
<p class="small">A demo sign-in: pick who you are. The assessment widget gets its role from this session${current ? `; you are signed in as ${esc(current)}` : ''}.</p>
<h2>Recruiter</h2>
${form('Riley Chen · Recruiter', { role: 'recruiter' })}
<h2>Candidate</h2>
${candidates.map((c) => form(`${c.firstName} ${c.lastName}`, { role: 'candidate', candidate: c.id })).join('\n')}
${session ? '<form method="post" action="/logout"><button type="submit">Sign out</button></form>' : ''}
</section>
</main>
</body>
</html>`;
}
