import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { WebhookInvalid, type PackageConfig } from '../../core/vendor-port.js';
import { ignoredFields, parseNotification, toStatusUpdate } from './webhook.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const packages: PackageConfig[] = [
  { id: 'psi-cert', vendor: 'psi', name: 'Certification exam', examCode: 'CERT-1' },
  { id: 'psi-pro', vendor: 'psi', name: 'Professional exam', examCode: 'PRO-2' },
];
const observedAt = new Date('2026-11-23T10:00:00Z');

function update(body: string) {
  const { notification, raw } = parseNotification(body);
  return toStatusUpdate(notification, { packages, observedAt, raw });
}

describe('PSI notification parsing', () => {
  it('parses a site booking with every optional field present', () => {
    const u = update(fixture('booking-created-site-all-fields.json'));
    expect(u).toMatchObject({
      match: { vendorRef: 'ord_V1StGXR8Z5jdHi6BmyT' },
      status: 'scheduled',
      vendorStatus: 'BOOKING_CREATED',
      dedupeKey: 'BKG7QX2M9A|BOOKING_CREATED|2020-03-20T09:15:00.000Z',
      booking: {
        startsAt: '2020-04-01T22:00:00.000Z',
        timeZone: 'America/New_York',
        location: 'PSI Test Center Manhattan, 1 Main Street, New York, NY 10001',
        deliveryMode: 'test_center',
        code: 'BKG7QX2M9A',
      },
    });
    expect(u.vendorTime.toISOString()).toBe('2020-03-20T09:15:00.000Z');
    expect(u.raw).toEqual(JSON.parse(fixture('booking-created-site-all-fields.json')));
  });

  it('parses a remote reschedule without location fields', () => {
    const u = update(fixture('booking-rescheduled-remote-no-location.json'));
    expect(u.status).toBe('scheduled');
    expect(u.vendorStatus).toBe('BOOKING_RESCHEDULED');
    expect(u.booking).toEqual({
      startsAt: '2020-04-03T08:30:00.000Z',
      timeZone: 'Europe/Paris',
      deliveryMode: 'remote',
      code: 'BKG7QX2M9A',
    });
  });

  it('treats empty optional fields as absent and matches on candidate_id and exam_code', () => {
    const u = update(fixture('exam-completed-empty-optionals.json'));
    expect(u.match).toEqual({ candidateId: 'cand-1001', packageId: 'psi-cert' });
    expect(u.status).toBe('completed');
    // docs/vendors/psi.md#time-zones: location_timezone is empty for other delivery modes; the UTC instant stays right.
    expect(u.booking).toEqual({ startsAt: '2020-04-03T08:30:00.000Z', timeZone: 'UTC', code: 'BKG7QX2M9A' });
  });

  it('parses a notification with only the required fields, but cannot match it to an order', () => {
    const { notification } = parseNotification(fixture('absent-required-only.json'));
    expect(notification).toMatchObject({ change_reason: 'ABSENT', candidate_id: 'cand-2002' });
    expect(notification.effective_date).toBeUndefined();
    expect(() => toStatusUpdate(notification, { packages, observedAt, raw: {} })).toThrow(WebhookInvalid);
  });

  it('uses the observed time and booking_on when effective_date is absent', () => {
    const body = JSON.parse(fixture('absent-required-only.json')) as Record<string, unknown>;
    const u = update(JSON.stringify({ ...body, exam_code: 'PRO-2' }));
    expect(u.match).toEqual({ candidateId: 'cand-2002', packageId: 'psi-pro' });
    expect(u.status).toBe('no_show');
    expect(u.vendorTime).toEqual(observedAt);
    expect(u.dedupeKey).toBe('BKG3LW8PZT|ABSENT|booking_on=2020-05-12T13:00:00.000Z');
  });

  it('keeps the keys of the documented NotificationRequest template and ignores its placeholder values', () => {
    const templateKeys = Object.keys(JSON.parse(fixture('notification-request-template.json')) as object).sort();
    expect(Object.keys(JSON.parse(fixture('booking-created-site-all-fields.json')) as object).sort()).toEqual(templateKeys);
    const { notification, raw } = parseNotification(fixture('notification-request-template.json'));
    expect(ignoredFields(raw, notification)).toEqual(expect.arrayContaining(['booking_on', 'effective_date']));
  });

  it('gives the same dedupe key to the same event whatever the timestamp spelling', () => {
    const a = JSON.parse(fixture('booking-created-site-all-fields.json')) as Record<string, unknown>;
    const k1 = update(JSON.stringify(a)).dedupeKey;
    const k2 = update(JSON.stringify({ ...a, effective_date: '2020-03-20T10:15:00+01:00', candidate_mname: '' })).dedupeKey;
    const k3 = update(JSON.stringify({ ...a, effective_date: '2020-03-20T09:15:01Z' })).dedupeKey;
    const k4 = update(JSON.stringify({ ...a, change_reason: 'BOOKING_RESCHEDULED' })).dedupeKey;
    expect(k2).toBe(k1);
    expect(new Set([k1, k3, k4]).size).toBe(3);
  });

  // docs/vendors/psi.md#responses-and-retries: PSI sends a refused notification to a manually replayed error queue, so a notification that names
  // an order is accepted whatever its optional or unknown fields say; the raw body keeps what was sent.
  const base = () => JSON.parse(fixture('booking-created-site-all-fields.json')) as Record<string, unknown>;
  it('keeps an unknown change_reason in history as a fact that cannot move the order', () => {
    const u = update(JSON.stringify({ ...base(), change_reason: 'BOOKING_LOST' }));
    expect(u).toMatchObject({ match: { vendorRef: 'ord_V1StGXR8Z5jdHi6BmyT' }, status: 'requested', vendorStatus: 'BOOKING_LOST' });
    expect(u.booking).toBeUndefined();
  });

  it('accepts a cancellation or absence without booking_on, keeping no booking', () => {
    for (const change_reason of ['BOOKING_CANCELLED', 'ABSENT'] as const) {
      const { booking_on: _, ...b } = base();
      const u = update(JSON.stringify({ ...b, change_reason }));
      expect(u.status).toBe(change_reason === 'ABSENT' ? 'no_show' : 'invited');
      expect(u.booking).toBeUndefined();
      expect(u.dedupeKey).toBe(`BKG7QX2M9A|${change_reason}|2020-03-20T09:15:00.000Z`);
    }
  });

  it('matches on the eligibility id when candidate_id is empty', () => {
    const u = update(JSON.stringify({ ...base(), candidate_id: '' }));
    expect(u.match).toEqual({ vendorRef: 'ord_V1StGXR8Z5jdHi6BmyT' });
    expect(u.status).toBe('scheduled');
  });

  it('keeps a time zone that is not IANA as the label of a UTC booking', () => {
    const u = update(JSON.stringify({ ...base(), location_timezone: 'Eastern Standard Time' }));
    expect(u.booking).toMatchObject({ startsAt: '2020-04-01T22:00:00.000Z', timeZone: 'UTC', timeZoneLabel: 'Eastern Standard Time' });
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['a missing booking_code', { booking_code: undefined }, 'ord_V1StGXR8Z5jdHi6BmyT|BOOKING_CREATED|2020-03-20T09:15:00.000Z'],
    ['an effective_date that is not a time', { effective_date: 'yesterday' }, 'BKG7QX2M9A|BOOKING_CREATED|booking_on=2020-04-01T22:00:00.000Z'],
    ['names of the wrong type', { candidate_fname: 42, exam_portions: 'none' }, 'BKG7QX2M9A|BOOKING_CREATED|2020-03-20T09:15:00.000Z'],
  ])('accepts %s, ignoring the field', (_name, change, key) => {
    const u = update(JSON.stringify({ ...base(), ...change }));
    expect(u.status).toBe('scheduled');
    expect(u.dedupeKey).toBe(key);
  });

  it.each<[string, unknown]>([
    ['a non-object body', ['BOOKING_CREATED']],
    ['a JSON string', 'BOOKING_CREATED'],
    ['null', null],
  ])('refuses %s with WebhookInvalid', (_name, body) => {
    expect(() => update(JSON.stringify(body))).toThrow(WebhookInvalid);
  });

  it('refuses a notification without an eligibility id whose candidate_id is empty', () => {
    const { client_eligibility_id: _, ...b } = base();
    expect(() => update(JSON.stringify({ ...b, candidate_id: '' }))).toThrow(/neither client_eligibility_id/);
  });

  it('refuses a body that is not JSON', () => {
    expect(() => parseNotification('booking_code=1')).toThrow(WebhookInvalid);
  });

  it('refuses an exam_code no package has when there is no eligibility id', () => {
    const base = JSON.parse(fixture('exam-completed-empty-optionals.json')) as Record<string, unknown>;
    expect(() => update(JSON.stringify({ ...base, exam_code: 'UNKNOWN-9' }))).toThrow(/exam_code/);
  });
});
