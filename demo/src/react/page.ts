// The React example page: an empty root the bundle renders into. No inline script (the ATS pages' CSP holds).
import { escapeHtml as esc } from '@ca/bff';
import type { AtsCandidate } from '../ats/candidates.js';

export function reactPage(o: { bffUrl: string; company: string; candidate: AtsCandidate }): string {
  const c = o.candidate;
  const name = `${c.firstName} ${c.lastName}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(name)} (React) · ${esc(o.company)}</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/ats.css">
<script type="module" src="/react/assets/example.js"></script>
</head>
<body class="recruiter">
<header class="topbar"><a class="brand" href="/"><span class="logo" aria-hidden="true">A</span>${esc(o.company)} Talent</a><span class="me">React example</span></header>
<main id="main">
<nav class="crumbs" aria-label="Breadcrumb"><a href="/">Candidates</a> / <a href="/candidates/${esc(c.id)}">${esc(name)}</a> / <span>React</span></nav>
<h1>${esc(name)}: the widget in a React page</h1>
<p class="muted small">Rendered by React through <code>@ca/react</code>; the list on the right is React state filled from the element's events.</p>
<div id="root" data-api="${esc(o.bffUrl)}" data-candidate="${esc(c.id)}"></div>
</main>
</body>
</html>`;
}
