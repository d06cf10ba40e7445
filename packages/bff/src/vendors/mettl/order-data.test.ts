// A Mettl reference names the schedule and our order, not the candidate (it goes out in events and ATS webhooks);
// orders placed when it was `<accessKey>:<email>` keep working.
import { describe, expect, it } from 'vitest';
import type { VendorOrder } from '../../core/vendor-port.js';
import { formatVendorRef, orderData, parseVendorRef } from './order-data.js';

const order = (vendorRef: string, vendorData: Record<string, unknown> = {}) =>
  ({ id: 'o_1', vendorRef, vendorData, candidate: { firstName: 'A', lastName: 'B', email: 'now@example.com' } }) as unknown as VendorOrder;

describe('Mettl order references', () => {
  it('are pseudonymous', () => {
    expect(formatVendorRef('ak1', 'o_1')).toBe('ak1:o_1');
    expect(parseVendorRef('ak1:o_1')).toEqual({ accessKey: 'ak1' });
  });

  it('still read one written with the email', () => {
    expect(parseVendorRef('ak1:ada+x@example.com')).toEqual({ accessKey: 'ak1', email: 'ada+x@example.com' });
    expect(orderData(order('ak1:ada+x@example.com'))).toMatchObject({ accessKey: 'ak1', email: 'ada+x@example.com' });
    expect(orderData(order('ak1:o_1'))).toMatchObject({ accessKey: 'ak1', email: 'now@example.com' });
    expect(orderData(order('ak1:o_1', { accessKey: 'ak1', email: 'kept@example.com' }))).toMatchObject({ email: 'kept@example.com' });
  });
});
