// Escapes text for the sandboxes' HTML pages and XML answers (element content and quoted attributes): numeric
// references for & < > " '. The sandboxes' own copy: they import nothing from the BFF.
export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
