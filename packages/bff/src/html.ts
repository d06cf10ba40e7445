// Escapes text for HTML (and XML) element content and quoted attributes: numeric references for & < > " '.
export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
