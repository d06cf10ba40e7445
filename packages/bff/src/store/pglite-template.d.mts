// Types of pglite-template.mjs (plain JavaScript, loaded by the database thread and the test configuration).
import type { PGlite } from '@electric-sql/pglite';

export function templateFile(templateDir: string): string;
export function schemaTemplateFile(templateDir: string): string;
export function writeTemplate(db: PGlite, file: string): Promise<void>;
export function ensureTemplate(templateDir: string): Promise<string>;
export function createPglite(dataDir: string | undefined, templateDir: string | undefined): Promise<PGlite>;
