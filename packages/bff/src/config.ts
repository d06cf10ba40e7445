// Loads and validates the one config file (docs/operations.md#configuration-reference). A bad file stops the server with a message
// naming the field; secrets from the file never appear in a message.
import { PackageKind, VendorId } from '@ca/shared';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { z } from 'zod';
import { formatPath, jsonSyntaxError, unknownKeyMessage } from './config-errors.js';

/**
 * A browser origin as the page's `Origin` header sends it. Written with a trailing slash or upper-case host it is
 * normalised (`https://ATS.example.com/` → `https://ats.example.com`), since a browser never sends either; anything
 * with a path, query, user or wildcard is refused rather than left to fail at run time.
 */
export const Origin = z.string().transform((s, ctx) => {
  let u: URL | undefined;
  try {
    u = new URL(s.trim());
  } catch {
    // reported below
  }
  const bare = u && (u.protocol === 'http:' || u.protocol === 'https:') && !u.username && !u.password && u.pathname === '/' && !u.search && !u.hash;
  if (!u || !bare || /[*]/.test(s)) {
    ctx.addIssue({
      code: 'custom',
      message: `"${s}" is not an origin: write scheme, host and optional port only, such as https://ats.example.com or http://localhost:3000`,
    });
    return z.NEVER;
  }
  return u.origin;
});

/** Upper bound of `atsWebhook.timeoutMs`; a delivery's lease on its tenant's cursor outlasts it (webhooks/policy.ts). */
export const ATS_WEBHOOK_TIMEOUT_MAX_MS = 60_000;

const VendorBlock = z.looseObject({
  pollIntervalSeconds: z.number().int().min(1).max(86_400).optional(),
});

const PackageEntry = z.looseObject({
  id: z.string().regex(/^[A-Za-z0-9._-]{1,100}$/, 'must be 1–100 letters, digits, dot, dash or underscore'),
  vendor: VendorId,
  name: z.string().min(1).max(200),
  kind: PackageKind.optional(),
  description: z.string().max(2000).optional(),
});

const Tenant = z.strictObject({
  name: z.string().min(1),
  allowedOrigins: z.array(Origin).default([]),
  apiKeys: z.array(z.string().min(16, 'must be at least 16 characters')).default([]),
  widgetKeys: z
    .record(z.string().regex(/^[A-Za-z0-9._-]{1,64}$/), z.string().min(32, 'must be at least 32 characters'))
    .refine((r) => Object.keys(r).length > 0, 'needs at least one key'),
  /** `vendor id → block`; each block is validated by that vendor's module before anything is opened. */
  vendors: z.record(VendorId, VendorBlock).default({}),
  packages: z.array(PackageEntry).default([]),
  atsWebhook: z
    .strictObject({
      url: z.string().url(),
      secret: z.string().min(24, 'must be at least 24 characters'),
      /**
       * How long one delivery may wait for the ATS (connect, send, status line) before it is aborted and retried. A short
       * default would turn a slow but working ATS into retries, i.e. duplicate deliveries.
       */
      timeoutMs: z.number().int().min(1000).max(ATS_WEBHOOK_TIMEOUT_MAX_MS).default(15_000),
    })
    .optional(),
  /**
   * How long personal data is kept: raw vendor payloads (notifications, history), contact data of closed orders,
   * and how long a per-order callback or return ticket works at most (while its order is open).
   */
  retention: z
    .strictObject({
      rawPayloadDays: z.number().int().min(1).default(90),
      contactDataDays: z.number().int().min(1).default(365),
      ticketMaxAgeDays: z.number().int().min(1).default(180),
    })
    .prefault({}),
  /** Where a candidate returning from a vendor is sent; without it they see our own thank-you page. */
  candidateReturnUrl: z
    .string()
    .url()
    .refine((u) => /^https?:\/\//i.test(u), 'must be an http(s) URL')
    .optional(),
});

/** An address or CIDR block (`10.0.0.0/8`, `fd00::/8`, `192.0.2.1`), as node:net's BlockList takes it. */
function trustedProxy(s: string): boolean {
  const [address = '', prefix, extra] = s.split('/');
  const v = isIP(address);
  if (v === 0 || extra !== undefined) return false;
  return prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (v === 4 ? 32 : 128));
}

export const Config = z
  .strictObject({
    /** Where an editor finds the JSON Schema of this file (packages/bff/config.schema.json); ignored by the BFF. */
    $schema: z.string().optional(),
    publicUrl: z
      .string()
      .url()
      .transform((s) => s.replace(/\/+$/, '')),
    listen: z
      .strictObject({
        host: z.string().min(1).default('127.0.0.1'),
        port: z.number().int().min(0).max(65_535).default(8787),
      })
      .default({ host: '127.0.0.1', port: 8787 }),
    database: z
      .string()
      .refine(
        (s) => s === 'memory:' || /^embedded:.+/.test(s) || /^postgres(ql)?:\/\//.test(s),
        'must be embedded:<dir>, memory: or a postgres:// URL',
      )
      .default('embedded:./.data/bff'),
    log: z.strictObject({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info') }).default({ level: 'info' }),
    /** How long the event log keeps events for SSE resume, in hours. */
    eventRetentionHours: z.number().int().min(1).default(72),
    /**
     * Who may read Prometheus metrics: with `token`, only `Authorization: Bearer <token>`; with `listen`, only on
     * that separate address (not on the public listener). Both may be set.
     */
    metrics: z
      .strictObject({
        token: z.string().min(16, 'must be at least 16 characters').optional(),
        listen: z.strictObject({ host: z.string().min(1).default('127.0.0.1'), port: z.number().int().min(0).max(65_535) }).optional(),
      })
      .prefault({}),
    /** Failed credential attempts (API key, widget token, OAuth client) allowed per client IP and per tenant in a window; past that, 429. */
    authFailures: z
      .strictObject({
        perIp: z.number().int().min(1).default(30),
        perTenant: z.number().int().min(1).default(300),
        windowSeconds: z.number().int().min(1).max(86_400).default(60),
      })
      .prefault({}),
    /**
     * Proxies in front of the BFF (addresses or CIDR blocks, IPv4 and IPv6). When the connection comes from one, the
     * client is the right-most `X-Forwarded-For` hop that is not one of them; otherwise the connection's own address.
     */
    trustedProxies: z
      .array(z.string().refine((s) => trustedProxy(s), 'must be an IP address or a CIDR block such as 10.0.0.0/8 or fd00::/8'))
      .default([]),
    /** SSE stream caps (answered 429 with Retry-After) and the largest replay a resuming client gets. */
    sse: z
      .strictObject({
        maxStreamsPerSubject: z.number().int().min(1).default(5),
        // An ATS tenant with many recruiters and candidates watching at once: one stream per browser tab and subject,
        // ~15 KB each; half the process cap, so one tenant cannot take a whole replica from the others.
        maxStreamsPerTenant: z.number().int().min(1).default(5000),
        maxStreams: z.number().int().min(1).default(10_000),
        maxReplayEvents: z.number().int().min(1).default(1000),
      })
      .prefault({}),
    tenants: z
      .record(z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'tenant ids are lower-case letters, digits, - and _'), Tenant)
      .refine((t) => Object.keys(t).length > 0, 'needs at least one tenant'),
  })
  .superRefine((cfg, ctx) => {
    const apiKeyOwner = new Map<string, string>();
    for (const [tid, t] of Object.entries(cfg.tenants)) {
      t.apiKeys.forEach((k, i) => {
        const other = apiKeyOwner.get(k);
        if (other) ctx.addIssue({ code: 'custom', path: ['tenants', tid, 'apiKeys', i], message: `is also an API key of tenant ${other}` });
        apiKeyOwner.set(k, tid);
      });
      const ids = new Set<string>();
      t.packages.forEach((p, i) => {
        if (ids.has(p.id)) ctx.addIssue({ code: 'custom', path: ['tenants', tid, 'packages', i, 'id'], message: `duplicate package id ${p.id}` });
        ids.add(p.id);
        if (!t.vendors[p.vendor]) {
          ctx.addIssue({ code: 'custom', path: ['tenants', tid, 'packages', i, 'vendor'], message: `vendor ${p.vendor} is not configured for this tenant` });
        }
      });
    }
  });

export type Config = z.infer<typeof Config>;
export type TenantConfig = Config['tenants'][string];

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

type Path = (string | number)[];

/** A `${env:…}` or `${file:…}` reference that could not be filled in, reported with the file's other problems. */
export interface Unfilled {
  path: Path;
  /** The variable's name, or the file's path. */
  name: string;
  /** What is wrong, when it is not an unset variable. */
  problem?: string;
}

/**
 * Replaces `${env:NAME}` (an environment variable) and `${file:PATH}` (the contents of a file, without its trailing
 * line breaks: a Docker or Kubernetes secret such as `/run/secrets/acme_api_key`; a relative path is from the working
 * directory) anywhere in string values, in one pass: a value filled in is not read again. One that cannot be filled in
 * is left as written and added to `missing`, so every one is reported together with the file's other problems.
 */
export function substituteEnv(value: unknown, env: NodeJS.ProcessEnv, path: Path = [], missing: Unfilled[] = []): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}|\$\{file:([^}]+)\}/g, (written, name: string | undefined, file: string | undefined) => {
      if (file !== undefined) {
        try {
          return readFileSync(resolve(file), 'utf8').replace(/[\r\n]+$/, '');
        } catch (err) {
          missing.push({ path, name: file, problem: `cannot read secret file ${file} (${(err as NodeJS.ErrnoException).code ?? 'unreadable'})` });
          return written;
        }
      }
      const v = env[name!];
      if (v === undefined) missing.push({ path, name: name! });
      return v ?? written;
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => substituteEnv(v, env, [...path, i], missing));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substituteEnv(v, env, [...path, k], missing)]));
  }
  return value;
}

/** The JSON Schema of the config file, from the same zod schema the BFF parses with (packages/bff/config.schema.json). */
export function configJsonSchema(): Record<string, unknown> {
  jsonSchema ??= {
    ...(z.toJSONSchema(Config, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>),
    title: 'candidate-assessment BFF configuration',
    description:
      'docs/operations.md#configuration-reference. Vendor blocks (tenants.<id>.vendors.<vendor>) and vendor package fields are checked by each vendor module, at start and by `ca check`.',
  };
  return structuredClone(jsonSchema);
}
let jsonSchema: Record<string, unknown> | undefined;

/** The keys the schema allows in the object at `path` (for "did you mean"), from the JSON Schema. */
function keysAt(path: readonly PropertyKey[]): string[] {
  configJsonSchema();
  let node = jsonSchema as JsonNode | undefined;
  for (const seg of path) {
    if (!node) return [];
    node = typeof seg === 'number' ? node.items : (node.properties?.[String(seg)] ?? (typeof node.additionalProperties === 'object' ? node.additionalProperties : undefined));
  }
  return Object.keys(node?.properties ?? {});
}
interface JsonNode {
  properties?: Record<string, JsonNode>;
  additionalProperties?: JsonNode | boolean;
  items?: JsonNode;
}

/** One line per problem, as `path: what is wrong`. */
function issueLines(issue: z.core.$ZodIssue): string[] {
  if (issue.code === 'unrecognized_keys') {
    const known = keysAt(issue.path);
    return issue.keys.map((k) => `${formatPath([...issue.path, k])}: ${unknownKeyMessage(k, known)}`);
  }
  if (issue.code === 'invalid_key') {
    return [`${formatPath(issue.path)}: the key is invalid: ${issue.issues.map((i) => i.message).join('; ')}`];
  }
  return [`${formatPath(issue.path)}: ${issue.message}`];
}

/** Validates an already-parsed config object; a ConfigError lists every problem found, one per line. */
export function parseConfig(raw: unknown, env: NodeJS.ProcessEnv = process.env): Config {
  const missing: Unfilled[] = [];
  const substituted = substituteEnv(raw, env, [], missing);
  const lines = missing.map((m) => `${formatPath(m.path)}: ${m.problem ?? `environment variable ${m.name} is not set`}`);
  const parsed = Config.safeParse(substituted);
  // Production (NODE_ENV=production, as the container image sets it) never serves metrics to anyone who asks.
  if (parsed.success && env['NODE_ENV'] === 'production' && !parsed.data.metrics.token && !parsed.data.metrics.listen) {
    lines.push('metrics: NODE_ENV is production and GET /metrics would be public on the main listener: set metrics.token or metrics.listen');
  }
  if (parsed.success && lines.length === 0) return parsed.data;
  const unset = new Set(missing.map((m) => formatPath(m.path)));
  for (const issue of parsed.error?.issues ?? []) {
    if (!unset.has(formatPath(issue.path))) lines.push(...issueLines(issue));
  }
  throw new ConfigError(lines.join('\n'));
}

/** Reads the config file and parses its JSON; a syntax error names its line and column. */
export function readConfigFile(file: string): unknown {
  const path = resolve(file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read config file ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`${path} is not valid JSON: ${jsonSyntaxError(text, err as Error)}`);
  }
}

/**
 * Reads, substitutes and validates the config file, without the vendor blocks (those need the vendor modules:
 * vendor-host/config-check.ts `loadCheckedConfig` is what the server and `ca check` run). A relative `embedded:`
 * path is relative to the working directory.
 */
export function loadConfig(file: string, env: NodeJS.ProcessEnv = process.env): Config {
  return parseConfig(readConfigFile(file), env);
}
