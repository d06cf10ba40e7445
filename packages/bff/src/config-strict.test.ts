// A config that cannot be silently wrong (docs/operations.md#configuration-reference): unknown keys at every level
// are errors with a "did you mean", origins are normalised or refused, every problem is reported at once with its
// path as written in the file, and the shipped JSON Schema is the one the zod schema makes today.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, configJsonSchema, parseConfig } from './config.js';
import { didYouMean, formatPath, jsonSyntaxError, syntaxErrorOffset } from './config-errors.js';
import { validateConfig } from './vendor-host/config-check.js';
import { vendorModules } from './vendors/registry.js';

const ROOT = resolve(import.meta.dirname, '../../..');
const env = { ACME_API_KEY: 'a'.repeat(20), ACME_WIDGET_SECRET: 'w'.repeat(40) };
const base = () => ({
  publicUrl: 'http://127.0.0.1:8787',
  tenants: {
    acme: {
      name: 'Acme',
      allowedOrigins: ['http://127.0.0.1:5173'] as string[],
      apiKeys: ['${env:ACME_API_KEY}'],
      widgetKeys: { k1: '${env:ACME_WIDGET_SECRET}' },
      vendors: { berke: { baseUrl: 'http://127.0.0.1:1/api', apiToken: 'tok' } as Record<string, unknown> },
      packages: [{ id: 'berke-sales', vendor: 'berke', name: 'Sales', sourceJobId: 'sales-rep' }] as Record<string, unknown>[],
    } as Record<string, unknown>,
  } as Record<string, Record<string, unknown>>,
});

function problems(raw: unknown, e: NodeJS.ProcessEnv = env): string[] {
  try {
    parseConfig(raw, e);
  } catch (err) {
    if (err instanceof ConfigError) return err.message.split('\n');
    throw err;
  }
  return [];
}

describe('unknown keys', () => {
  it.each([
    ['the top level', (c: ReturnType<typeof base>) => Object.assign(c, { publicURL: 'x' }), 'publicURL: unknown key "publicURL"; did you mean "publicUrl"?'],
    ['a tenant', (c: ReturnType<typeof base>) => (c.tenants.acme!['allowedOrigin'] = ['http://a.example']), 'tenants.acme.allowedOrigin: unknown key "allowedOrigin"; did you mean "allowedOrigins"?'],
    ['a nested block', (c: ReturnType<typeof base>) => (c.tenants.acme!['retention'] = { rawPayloadDay: 3 }), 'tenants.acme.retention.rawPayloadDay: unknown key "rawPayloadDay"; did you mean "rawPayloadDays"?'],
    ['a top-level block', (c: ReturnType<typeof base>) => Object.assign(c, { listen: { prot: 1 } }), 'listen.prot: unknown key "prot"; did you mean "port"?'],
  ])('are refused with a did-you-mean at %s', (_, mutate, line) => {
    const c = base();
    mutate(c);
    expect(problems(c)).toEqual([line]);
  });

  it('lists the allowed keys when nothing is close', () => {
    const c = Object.assign(base(), { log: { verbosity: 'x' } });
    expect(problems(c)).toEqual(['log.verbosity: unknown key "verbosity"; allowed here: level']);
  });

  it('accepts $schema at the top level', () => {
    expect(parseConfig({ $schema: './node_modules/@ca/bff/config.schema.json', ...base() }, env).tenants.acme!.name).toBe('Acme');
  });

  it('are refused in a vendor block and a package, by the vendor’s own schema, with a did-you-mean', async () => {
    const c = base();
    c.tenants.acme!['vendors'] = { berke: { baseUrl: 'http://127.0.0.1:1/api', apiToken: 'tok', timeoutMS: 5000 } };
    await expect(validateConfig(c, vendorModules, env)).rejects.toThrow(/^tenants\.acme\.vendors\.berke\.timeoutMS: unknown key "timeoutMS"; did you mean "timeoutMs"\?$/);
    const d = base();
    (d.tenants.acme!['packages'] as unknown[]).unshift({ id: 'b0', vendor: 'berke', name: 'B0' });
    (d.tenants.acme!['packages'] as Record<string, unknown>[])[1]!['sourceJobID'] = 'x';
    await expect(validateConfig(d, vendorModules, env)).rejects.toThrow(/^tenants\.acme\.packages\[1\]\.sourceJobID: unknown key "sourceJobID"; did you mean "sourceJobId"\?$/);
  });

  it('suggests only near names', () => {
    expect(didYouMean('allowedOrigin', ['name', 'allowedOrigins', 'apiKeys'])).toBe('allowedOrigins');
    expect(didYouMean('ApiKeys', ['apiKeys'])).toBe('apiKeys');
    expect(didYouMean('colour', ['name', 'apiKeys'])).toBeUndefined();
  });
});

describe('origins', () => {
  it('are normalised as a browser sends them: no trailing slash, lower-case host, no default port', () => {
    const c = base();
    c.tenants.acme!['allowedOrigins'] = ['http://LOCALHOST:3000/', 'https://ATS.Example.com:443', ' https://b.example '];
    expect(parseConfig(c, env).tenants.acme!.allowedOrigins).toEqual(['http://localhost:3000', 'https://ats.example.com', 'https://b.example']);
  });

  it.each(['http://localhost:3000/app', 'https://*.example.com', 'localhost:3000', 'ftp://x.example', 'https://a.example/?x=1', 'https://u:p@a.example'])(
    'refuses %s, naming it and saying what an origin is',
    (origin) => {
      const c = base();
      c.tenants.acme!['allowedOrigins'] = ['http://ok.example', origin];
      expect(problems(c)).toEqual([
        `tenants.acme.allowedOrigins[1]: "${origin}" is not an origin: write scheme, host and optional port only, such as https://ats.example.com or http://localhost:3000`,
      ]);
    },
  );
});

describe('reporting', () => {
  it('reports every problem at once, each with its path as written in the file', async () => {
    const c = base();
    Object.assign(c, { lisen: {}, database: 'mysql://x' });
    c.tenants.acme!['allowedOrigins'] = ['http://ok.example', 'http://a.example/x'];
    c.tenants.acme!['widgetKeys'] = { k1: 'short' };
    c.tenants.acme!['apiKeys'] = ['${env:UNSET_ONE}', '${env:UNSET_TWO}'];
    c.tenants.acme!['vendors'] = { berke: { baseUrl: 'ftp://x', apiToken: 'tok' } };
    const err = await validateConfig(c, vendorModules, env).catch((e: unknown) => e as Error);
    expect(err).toBeInstanceOf(ConfigError);
    // In the order the file has them.
    expect((err as Error).message.split('\n')).toEqual([
      expect.stringMatching(/^tenants\.acme\.allowedOrigins\[1\]: "http:\/\/a\.example\/x" is not an origin/),
      'tenants.acme.apiKeys[0]: environment variable UNSET_ONE is not set',
      'tenants.acme.apiKeys[1]: environment variable UNSET_TWO is not set',
      'tenants.acme.widgetKeys.k1: must be at least 32 characters',
      expect.stringMatching(/^tenants\.acme\.vendors\.berke\.baseUrl: /),
      'lisen: unknown key "lisen"; did you mean "listen"?',
      'database: must be embedded:<dir>, memory: or a postgres:// URL',
    ]);
  });

  it('names the line and column of a JSON syntax error, never quoting the text around it (it may hold a secret)', () => {
    const cases: [string, string][] = [
      ['{\n  "apiKeys": [ak_secretvalue123]\n}', 'line 2, column 15: Unexpected token "a"'],
      ['{\n  "a": 1,\n}', "line 3, column 1: Expected double-quoted property name"],
      ['{"a": [1, 2,]}', 'line 1, column 13: Unexpected token "]"'],
      ['{"a": "unterminated secret', 'line 1, column 27: Unterminated string'],
      ['{"a": 1} x', 'line 1, column 10: Unexpected non-whitespace character after JSON'],
      ['', 'line 1, column 1: Unexpected end of the file'],
    ];
    for (const [text, expected] of cases) {
      const err = (() => {
        try {
          JSON.parse(text);
        } catch (e) {
          return e as Error;
        }
        throw new Error(`parsed: ${text}`);
      })();
      expect(jsonSyntaxError(text, err)).toBe(expected);
    }
    expect(syntaxErrorOffset('{"a": {"b": [true, false, null, -1.5e3, "x\\"y"]}}')).toBe(-1);
  });

  it('writes paths as the file has them', () => {
    expect(formatPath(['tenants', 'acme', 'allowedOrigins', 1])).toBe('tenants.acme.allowedOrigins[1]');
    expect(formatPath(['tenants', 'acme co', 'name'])).toBe('tenants["acme co"].name');
    expect(formatPath([])).toBe('(root)');
  });
});

describe('config.schema.json', () => {
  it('is what the zod schema makes today (regenerate: npx tsx scripts/config-schema.ts)', () => {
    const shipped = JSON.parse(readFileSync(join(ROOT, 'packages/bff/config.schema.json'), 'utf8')) as unknown;
    expect(shipped).toEqual(configJsonSchema());
  });

  it('knows every top-level and tenant key, refuses others, and the example config points to it', () => {
    const schema = configJsonSchema() as { properties: Record<string, { additionalProperties?: { properties?: object; additionalProperties?: unknown } }>; additionalProperties: unknown };
    expect(schema.additionalProperties).toBe(false);
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['$schema', 'publicUrl', 'listen', 'database', 'tenants']));
    const tenant = schema.properties['tenants']!.additionalProperties!;
    expect(Object.keys(tenant.properties!)).toEqual(expect.arrayContaining(['allowedOrigins', 'apiKeys', 'widgetKeys', 'vendors', 'packages']));
    expect(tenant.additionalProperties).toBe(false);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'packages/bff/package.json'), 'utf8')) as { files: string[]; exports: Record<string, string>; publishConfig: { exports: Record<string, string> } };
    expect(pkg.files).toContain('config.schema.json'); // shipped with the package, importable as @ca/bff/config.schema.json
    expect(pkg.exports['./config.schema.json']).toBe('./config.schema.json');
    expect(pkg.publishConfig.exports['./config.schema.json']).toBe('./config.schema.json');
    const example = JSON.parse(readFileSync(join(ROOT, 'bff.config.example.json'), 'utf8')) as { $schema: string };
    expect(resolve(ROOT, example.$schema)).toBe(join(ROOT, 'packages/bff/config.schema.json'));
  });
});
