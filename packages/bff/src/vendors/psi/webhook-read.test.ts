// The hand-written notification reader (readNotification, used by parseNotification) against its specification, the
// NotificationRequest zod schema: fast-check bodies (valid, mutated, wrong types, missing and extra fields, unicode,
// prototype-named keys) must give the same values with the same keys in the same order, and the same ignored fields.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ignoredFields, NotificationRequest, parseNotification, readNotification } from './webhook.js';

const RUNS = Number(process.env.PROP_RUNS ?? 4000);
const KEYS = Object.keys(NotificationRequest.shape);

/** Values and key order as they are, `undefined` values included (JSON.stringify alone would drop them). */
const exact = (v: unknown) => JSON.stringify(v, (_k, x: unknown) => (x === undefined ? '\u0000undefined' : x));

const text = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: 'binary' }),
  fc.constantFrom('', ' ', '\u00a0', '\u2028x\u3000', '\ufeff', ' CERT-1 ', 'BOOKING_CREATED', 'America/New_York', 'SITE_PROCTORED'),
);
const time = fc.oneof(
  fc.date({ noInvalidDate: true, min: new Date('0001-01-01'), max: new Date('9999-12-31') }).map((d) => d.toISOString()),
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString().replace(/\.\d{3}Z$/, 'Z')),
  fc.constantFrom(
    '2024-02-29T10:00:00Z', '2023-02-29T10:00:00Z', '2024-04-31T10:00:00Z', '2024-01-01T24:00:00Z', '2024-01-01T10:00Z',
    '2024-01-01T10:00:00+05:30', '2024-01-01T10:00:00+24:00', '2024-01-01T10:00:00.123456789-03:00', '2024-01-01 10:00:00Z',
    '2024-01-01T10:00:00z', ' 2024-01-01T10:00:00Z', '2024-01-01T10:00:00', '٢٠٢٤-01-01T10:00:00Z', '2000-02-29T23:59:59Z', '1900-02-29T00:00:00Z',
  ),
);
const scalar = fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null), fc.constant(''));
const portion = fc.oneof(
  fc.record({ portion_code: fc.oneof(text, fc.constant(null), scalar), portion_name: fc.oneof(text, fc.constant(null)) }, { requiredKeys: [] }),
  fc.dictionary(fc.constantFrom('portion_code', 'portion_name', 'x', '__proto__', 'toString'), fc.oneof(text, scalar)),
  scalar,
  text,
);
const portions = fc.oneof(fc.array(portion, { maxLength: 4 }), fc.array(fc.record({ portion_code: text, portion_name: text }), { maxLength: 3 }));
const anything = fc.oneof(text, time, scalar, portions, fc.jsonValue({ maxDepth: 2 }));

/** One field with a value of its kind most of the time, anything else otherwise. */
const fieldValue = (key: string) =>
  key === 'exam_portions' ? fc.oneof(portions, anything) : key === 'booking_on' || key === 'effective_date' ? fc.oneof(time, anything) : fc.oneof(text, anything);

/** A body as PSI could send it: the schema's fields (some left out), extra and prototype-named keys, duplicates. */
const body = fc
  .tuple(
    fc.subarray(KEYS).chain((keys) => fc.tuple(...keys.map((k) => fieldValue(k).map((v) => [k, v] as const)))),
    fc.array(fc.tuple(fc.oneof(fc.string(), fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', ...KEYS)), anything), { maxLength: 4 }),
  )
  .chain(([fields, extra]) => fc.shuffledSubarray([...fields, ...extra], { minLength: fields.length + extra.length }))
  .map((entries) => `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`);

describe('PSI notification reader', () => {
  it('reads every body as NotificationRequest.parse does (values, keys, order, ignored fields)', () => {
    fc.assert(
      fc.property(body, (text) => {
        const { notification, raw } = parseNotification(text);
        const expected = NotificationRequest.parse(JSON.parse(text));
        expect(exact(notification)).toBe(exact(expected));
        expect(notification).toStrictEqual(expected);
        const sent = raw as Record<string, unknown>;
        const ignored = KEYS.filter((k) => sent[k] !== undefined && sent[k] !== null && sent[k] !== '' && expected[k as keyof typeof expected] === undefined);
        expect(ignoredFields(raw, notification)).toEqual(ignored);
      }),
      { numRuns: RUNS },
    );
  });

  it('reads any JSON object as the schema does', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.oneof(fc.constantFrom(...KEYS), fc.string()), fc.jsonValue({ maxDepth: 3 })), (o) => {
        const json = JSON.parse(JSON.stringify(o)) as object;
        expect(exact(readNotification(json))).toBe(exact(NotificationRequest.parse(json)));
      }),
      { numRuns: RUNS },
    );
  });

  it('tells a difference from the schema apart (the comparison is not vacuous)', () => {
    const json = { booking_code: ' B1 ', booking_on: '2024-01-01T10:00:00Z', exam_portions: [{ portion_code: 'P', x: 1 }] };
    expect(exact(readNotification(json))).toBe(exact(NotificationRequest.parse(json)));
    expect(exact(readNotification(json))).not.toBe(exact({ ...NotificationRequest.parse(json), booking_code: ' B1 ' }));
    expect(exact(readNotification({ candidate_id: null }))).not.toBe(exact({}));
  });
});
