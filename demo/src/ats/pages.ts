// The demo ATS's HTML pages: a candidate list, a recruiter's candidate profile and the candidate's own portal,
// each embedding <candidate-assessment> with a script tag. Plain HTML: no inline script or style, and no secret.
import { escapeHtml as esc } from '@ca/bff';
import type { AtsCandidate } from './candidates.js';

const initials = (c: AtsCandidate) => `${c.firstName[0] ?? ''}${c.lastName[0] ?? ''}`;
const fullName = (c: AtsCandidate) => `${c.firstName} ${c.lastName}`;
const STAGES = ['Applied', 'Screening', 'Assessment', 'Interview', 'Offer'] as const;

export interface PageContext {
  bffUrl: string;
  company: string;
}

function layout(ctx: PageContext, o: { title: string; body: string; area: 'recruiter' | 'candidate'; widget?: boolean }): string {
  const top =
    o.area === 'recruiter'
      ? `<header class="topbar"><a class="brand" href="/"><span class="logo" aria-hidden="true">A</span>${esc(ctx.company)} Talent</a>
<nav aria-label="Main"><a href="/" aria-current="page">Candidates</a><a href="/#jobs">Jobs</a><a href="/#reports">Reports</a></nav>
<span class="me" title="Signed in">Riley Chen · Recruiter</span></header>`
      : `<header class="topbar portal"><a class="brand" href="#"><span class="logo" aria-hidden="true">A</span>${esc(ctx.company)} Careers</a>
<span class="me">Candidate portal</span></header>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(o.title)} · ${esc(ctx.company)}</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/ats.css">
${o.widget ? `<script type="module" src="${esc(ctx.bffUrl)}/widget.js"></script>\n<script type="module" src="/ats.js"></script>` : ''}
</head>
<body class="${o.area}">
${top}
<main id="main">
${o.body}
</main>
<footer class="foot">Demo ATS for candidate-assessment · every vendor here is a local sandbox</footer>
</body>
</html>`;
}

export function dashboardPage(ctx: PageContext, candidates: readonly AtsCandidate[]): string {
  const rows = candidates
    .map(
      (c) => `<tr>
<td><span class="avatar small" aria-hidden="true">${esc(initials(c))}</span><a href="/candidates/${esc(c.id)}">${esc(fullName(c))}</a></td>
<td>${esc(c.job.title)}</td>
<td><span class="stage stage-${esc(c.stage.toLowerCase())}">${esc(c.stage)}</span></td>
<td>${esc(c.location)}</td>
<td>${esc(c.appliedOn)}</td>
<td><a class="quiet" href="/portal/${esc(c.id)}">Candidate portal</a></td>
</tr>`,
    )
    .join('\n');
  return layout(ctx, {
    title: 'Candidates',
    area: 'recruiter',
    body: `<div class="pagehead"><h1>Candidates</h1><p class="muted">${candidates.length} active candidates in 3 open jobs</p></div>
<section class="card">
<table class="list">
<thead><tr><th scope="col">Name</th><th scope="col">Job</th><th scope="col">Stage</th><th scope="col">Location</th><th scope="col">Applied</th><th scope="col"><span class="sr">Portal</span></th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
</section>`,
  });
}

export function profilePage(ctx: PageContext, c: AtsCandidate): string {
  const pipeline = STAGES.map(
    (s) => `<li class="${s === c.stage ? 'current' : STAGES.indexOf(s) < STAGES.indexOf(c.stage) ? 'done' : ''}">${esc(s)}</li>`,
  ).join('');
  return layout(ctx, {
    title: fullName(c),
    area: 'recruiter',
    widget: true,
    body: `<nav class="crumbs" aria-label="Breadcrumb"><a href="/">Candidates</a> / <span>${esc(fullName(c))}</span></nav>
<section class="card head">
<span class="avatar" aria-hidden="true">${esc(initials(c))}</span>
<div class="who"><h1>${esc(fullName(c))}</h1><p class="muted">${esc(c.job.title)} · ${esc(c.location)}</p>
<ol class="pipeline" aria-label="Hiring stage">${pipeline}</ol></div>
<dl class="facts"><div><dt>Email</dt><dd>${esc(c.email)}</dd></div><div><dt>Phone</dt><dd>${esc(c.phone)}</dd></div>
<div><dt>Applied</dt><dd>${esc(c.appliedOn)}</dd></div><div><dt>Source</dt><dd>${esc(c.source)}</dd></div></dl>
</section>
<div class="cols">
<div class="primary">
<div class="slot">
<candidate-assessment api="${esc(ctx.bffUrl)}" data-role="recruiter" data-candidate="${esc(c.id)}"></candidate-assessment>
</div>
<section class="card"><h2>Notes</h2><p class="note">${esc(c.note)}</p><p class="muted small">Riley Chen · recruiter</p></section>
</div>
<aside class="secondary">
<section class="card sim" id="simulate" data-candidate="${esc(c.id)}" aria-labelledby="sim-h">
<h2 id="sim-h">Simulate the candidate</h2>
<p class="muted small">Demo only. Moves ${esc(c.firstName)} on at each vendor's sandbox, which then tells the assessment service the way the real vendor would (webhook, callback or poll).</p>
<div id="sim-orders"><p class="muted small">No assessments yet: send one first.</p></div>
<p id="sim-status" class="small" role="status" aria-live="polite"></p>
</section>
<section class="card"><h2>Candidate view</h2><p class="small">See what ${esc(c.firstName)} sees: <a href="/portal/${esc(c.id)}">open the candidate portal</a>.</p><p class="small">The same widget in a React page: <a href="/react/${esc(c.id)}">React example</a>.</p></section>
</aside>
</div>`,
  });
}

export function portalPage(ctx: PageContext, c: AtsCandidate): string {
  return layout(ctx, {
    title: 'Your application',
    area: 'candidate',
    widget: true,
    body: `<div class="pagehead"><h1>Hello ${esc(c.firstName)}</h1>
<p class="muted">Your application for <strong>${esc(c.job.title)}</strong> at ${esc(ctx.company)}</p></div>
<div class="cols">
<div class="primary">
<p class="small intro">Some roles ask for an assessment from one of our partners. Start each one from here; it opens in a new tab.</p>
<div class="slot">
<candidate-assessment api="${esc(ctx.bffUrl)}" data-role="candidate" data-candidate="${esc(c.id)}"></candidate-assessment>
</div>
</div>
<aside class="secondary">
<section class="card"><h2>Application status</h2><p><span class="stage stage-${esc(c.stage.toLowerCase())}">${esc(c.stage)}</span></p>
<p class="muted small">Applied on ${esc(c.appliedOn)}. We will email ${esc(c.email)} about next steps.</p></section>
<section class="card"><h2>Need help?</h2><p class="small">Write to careers@example.com. Please don't share your assessment links.</p></section>
</aside>
</div>`,
  });
}

/** Where the BFF sends a candidate back from a vendor (the tenant's `candidateReturnUrl`). */
export function returnedPage(ctx: PageContext): string {
  return layout(ctx, {
    title: 'Thank you',
    area: 'candidate',
    body: `<section class="card narrow"><h1>Thank you</h1><p>Your assessment has been submitted and ${esc(ctx.company)} has been told.
You can close this tab and return to your candidate portal.</p></section>`,
  });
}

export function notFoundPage(ctx: PageContext): string {
  return layout(ctx, { title: 'Not found', area: 'recruiter', body: '<section class="card narrow"><h1>Not found</h1><p><a href="/">Back to candidates</a></p></section>' });
}
