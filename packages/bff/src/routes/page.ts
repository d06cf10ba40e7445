// Small HTML pages the BFF shows people directly (link errors, "thank you" after a vendor). No scripts.
import { escapeHtml as esc } from '../html.js';

export function messagePage(title: string, message: string, link?: { href: string; label: string }): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title></head>
<body><main><h1>${esc(title)}</h1><p>${esc(message)}</p>${link ? `<p><a href="${esc(link.href)}">${esc(link.label)}</a></p>` : ''}</main></body></html>`;
}
