// Types of pglite-template.mjs (plain JavaScript, loaded by the database thread and the test configuration).
import type { PGlite } from '@electric-sql/pglite';

export function templateFile(templateDir: string): string;
export function ensureTemplate(templateDir: string): Promise<string>;
export function createPglite(dataDir: string | undefined, templateDir: string | undefined): Promise<PGlite>;
