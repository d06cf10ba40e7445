// The hand-written notification reader (notification-read.ts) against its specification, wire.ts's Notification zod
// schema: fast-check bodies (fixture-shaped, mutated, wrong types, numbers as strings, missing and extra fields, nested
// testStatus/result/analysis, unicode, prototype-named keys) must be refused by both or read to the same values with
// the same keys in the same order; and the webhook hands the same ticket to the signer as the zod reading of context_data.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { makeTestContext } from '../../../testing/vendor-context.js';
import { WebhookInvalid, WebhookUnauthorized } from '../../core/vendor-port.js';
import { readNotification, readSectionalScores } from './notification-read.js';
import { basicAuthValue, createWebhookParser } from './webhook.js';
import { Notification, SectionalScore, TestResult, TestStatus } from './wire.js';

const RUNS = Number(process.env.PROP_RUNS ?? 3000);

/** Values and key order as they are, `undefined` values included (JSON.stringify alone would drop them). */
const exact = (v: unknown) =>
  JSON.stringify(v, (_k, x: unknown) =>
    x === undefined
      ? '\u0000undefined'
      : typeof x === 'number' && !Number.isFinite(x)
        ? `\u0000${x}`
        : typeof x === 'object' && x !== null && !Array.isArray(x) && Object.getPrototypeOf(x) !== Object.prototype
          ? '\u0000prototype'
          : x,
  );
const reference = (json: unknown) => {
  const r = Notification.safeParse(json);
  return r.success ? r.data : null;
};
const fixtures = ['start-2014', 'finish-2014', 'finish-2024', 'finish-expired-2024', 'graded-2024', 'graded-expired-2024', 'resume-enabled'].map(
  (n) => JSON.parse(readFileSync(new URL(`./fixtures/${n}.json`, import.meta.url), 'utf8')) as Record<string, unknown>,
);

const text = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.constantFrom('', ' ', '7.75', ' 7 ', 'false', '0x10', '1e400', 'Infinity', '-0', 'NaN', '\u00a0', 'Tue, 05 Mar 2024 10:00:00 GMT'),
);
const number = fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }));
/** What `Str` and `Num` accept (a string, a number, null); anything else is refused by both. */
const scalar = fc.oneof(text, number, fc.constant(null));
const wrong = fc.oneof(fc.boolean(), fc.jsonValue({ maxDepth: 2 }).filter((v) => typeof v === 'object' && v !== null));
const odd = fc.oneof(scalar, wrong);
const PROTO_KEYS = ['__proto__', 'constructor', 'toString', 'valueOf'];

/** An object of `keys` (some left out) with values `value(key)`, plus extra and prototype-named keys, shuffled. */
function objectOf(keys: readonly string[], value: (key: string) => fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc
    .tuple(
      fc.subarray([...keys]).chain((ks) => fc.tuple(...ks.map((k) => value(k).map((v) => [k, v] as const)))),
      fc.array(fc.tuple(fc.oneof(fc.string(), fc.constantFrom(...PROTO_KEYS, ...keys)), odd), { maxLength: 2 }),
    )
    .chain(([a, b]) => fc.shuffledSubarray([...a, ...b], { minLength: a.length + b.length }))
    .map((entries) => JSON.parse(`{${entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`) as unknown);
}
const keysOf = (s: { shape: Record<string, unknown> }) => Object.keys(s.shape);
/** Mostly a value the schema accepts there, now and then one it refuses (one bad field refuses the whole notification). */
const mostly = (a: fc.Arbitrary<unknown>) => fc.oneof({ arbitrary: a, weight: 30 }, { arbitrary: wrong, weight: 1 });
const nullishOf = (a: fc.Arbitrary<unknown>) => fc.oneof({ arbitrary: a, weight: 6 }, { arbitrary: fc.constant(null), weight: 1 });
const arrayOf = (a: fc.Arbitrary<unknown>) => fc.array(a, { maxLength: 3 });

const entry = (keys: string[]) => objectOf(keys, () => mostly(scalar));
const analysis = objectOf(['recommendation', 'responseStyles'], (k) =>
  mostly(nullishOf(k === 'recommendation' ? arrayOf(mostly(entry(['type', 'value']))) : arrayOf(mostly(fc.oneof(text, entry(['type', 'value', 'name'])))))),
);
const result = objectOf(keysOf(TestResult), (k) =>
  k === 'sectionMarks'
    ? mostly(nullishOf(arrayOf(mostly(entry(['sectionName', 'totalMarks', 'maxMarks'])))))
    : k === 'analysis'
      ? mostly(nullishOf(analysis))
      : mostly(scalar),
);
const testStatus = objectOf(keysOf(TestStatus), (k) => mostly(k === 'result' ? nullishOf(result) : scalar));
const notification = objectOf(keysOf(Notification), (k) =>
  k === 'testStatus'
    ? mostly(nullishOf(testStatus))
    : k === 'sectional_scores'
      ? mostly(fc.oneof(text, arrayOf(odd), fc.constant(null)))
      : k === 'EVENT_TYPE'
        ? mostly(fc.oneof(text, fc.constantFrom('startAssessment', 'finishTest', 'gradedAssessment')))
        : mostly(scalar),
);
/** A fixture with some of its fields replaced by other values. */
const mutatedFixture = fc
  .tuple(fc.constantFrom(...fixtures), notification)
  .map(([f, n]) => (typeof n === 'object' && n !== null ? { ...f, ...n } : f));
/** A graded notification down to testStatus.result.analysis, each level sent, so the deepest fields are met often. */
const deep = fc
  .tuple(
    fc.constantFrom(...fixtures),
    fc.record({
      recommendation: fc.oneof(fc.constant(null), arrayOf(entry(['type', 'value']))),
      responseStyles: fc.oneof(fc.constant(null), arrayOf(fc.oneof(text, entry(['type', 'value', 'name'])))),
    }, { requiredKeys: [] }),
    fc.array(fc.tuple(fc.constantFrom(...PROTO_KEYS, 'x'), odd), { maxLength: 2 }),
  )
  .map(([f, a, extra]) => {
    const fields = [...extra, ...Object.entries(a)].map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`);
    const analysis = `{${fields.join(',')}}`;
    return JSON.parse(JSON.stringify({ ...f, testStatus: { status: 'Completed', result: { totalMarks: 1, analysis: 0 } } }).replace(`"analysis":0`, () => `"analysis":${analysis}`)) as unknown;
  });
/** Values JSON cannot carry, for the reader called on its own (zod 4 refuses NaN and the infinities as numbers). */
const unjson = fc
  .tuple(fc.constantFrom(...fixtures), fc.dictionary(fc.constantFrom(...keysOf(Notification)), fc.constantFrom(NaN, Infinity, -Infinity, undefined), { maxKeys: 2 }))
  .map(([f, n]) => ({ ...f, ...n, testStatus: { ...(f.testStatus as object), ...n } }));

describe('Mettl notification reader', () => {
  it('meets both answers often (the generators are not all refusals)', () => {
    const read = fc.sample(fc.oneof(notification, mutatedFixture), 2000).filter((j) => reference(j) !== null);
    expect(read.length).toBeGreaterThan(400);
    expect(read.filter((j) => (j as { testStatus?: { result?: { analysis?: unknown } } }).testStatus?.result?.analysis).length).toBeGreaterThan(20);
  });

  it('refuses what Notification.safeParse refuses and reads the rest to the same values, keys and order', () => {
    fc.assert(
      fc.property(fc.oneof(notification, mutatedFixture, deep, unjson, odd), (json) => {
        expect(exact(readNotification(json))).toBe(exact(reference(json)));
        expect(readNotification(json)).toStrictEqual(reference(json));
      }),
      { numRuns: RUNS },
    );
  });

  it('reads sectional scores as z.array(SectionalScore).safeParse does', () => {
    const Scores = z.array(SectionalScore);
    const scores = fc.oneof(
      { arbitrary: arrayOf(mostly(entry(['sectionName', 'sectionScore', 'sectionMaxScore']))), weight: 4 },
      { arbitrary: odd, weight: 1 },
    );
    fc.assert(
      fc.property(scores, (v) => {
        const r = Scores.safeParse(v);
        expect(exact(readSectionalScores(v))).toBe(exact(r.success ? r.data : null));
      }),
      { numRuns: RUNS },
    );
    const graded = fixtures.find((f) => f.EVENT_TYPE === 'gradedAssessment' && typeof f.sectional_scores === 'string')!;
    const parsed = JSON.parse(graded.sectional_scores as string) as unknown;
    expect(readSectionalScores(parsed)).toEqual(Scores.parse(parsed));
  });

  it('reads the fixtures as the schema does', () => {
    for (const f of fixtures) {
      expect(reference(f)).not.toBeNull();
      expect(exact(readNotification(f))).toBe(exact(reference(f)));
    }
  });

  it('hands the signer the ticket the zod reading of context_data gives, or refuses as it would', async () => {
    const USER = 'u';
    const PASSWORD = 'p';
    const ctx = makeTestContext({ vendor: 'mettl', config: {}, packages: [] });
    const seen: string[] = [];
    const tickets = { ...ctx.tickets, verify: (t: string) => (seen.push(t), 'ord_1') };
    const parse = createWebhookParser({ webhookUser: USER, webhookPassword: PASSWORD, tickets, log: ctx.log, now: () => new Date(0) });
    const Wrapped = z.object({ token: z.string() });
    const zodTicket = (c: string | undefined) => {
      if (!c) return null;
      const t = c.trim();
      if (!t.startsWith('{')) return t;
      try {
        const p = Wrapped.safeParse(JSON.parse(t));
        return p.success ? p.data.token : null;
      } catch {
        return null;
      }
    };
    const contextData = fc.oneof(
      text,
      fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)),
      fc.record({ token: scalar }, { requiredKeys: [] }).map((v) => ` ${JSON.stringify(v)} `),
      fc.constantFrom('{', '{"token":"a"', '{"__proto__":{"token":"x"}}', '{"token":"t","token":1}', '{"token":1,"token":"t"}'),
    );
    const headers = new Headers({ authorization: `Basic ${basicAuthValue(USER, PASSWORD)}` });
    await fc.assert(
      fc.asyncProperty(contextData, async (c) => {
        seen.length = 0;
        const body = JSON.stringify({ EVENT_TYPE: 'startAssessment', context_data: c, timestamp_GMT: 'Tue, 05 Mar 2024 10:00:00 GMT' });
        const expected = zodTicket(c);
        const outcome = await parse({ method: 'POST', headers, query: new URLSearchParams(), body }).then(
          () => 'ok',
          (e: unknown) => (e instanceof WebhookUnauthorized ? 'unauthorized' : e instanceof WebhookInvalid ? 'invalid' : String(e)),
        );
        expect(outcome).toBe(expected === null ? 'unauthorized' : 'ok');
        expect(seen).toEqual(expected === null ? [] : [expected]);
      }),
      { numRuns: RUNS / 3 },
    );
  });
});
