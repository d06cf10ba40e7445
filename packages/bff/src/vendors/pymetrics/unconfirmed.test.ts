// Which failed order calls may have created the order at pymetrics (then it is not ordered again) and which surely
// did not (then the placement retries as for any outage).
import { describe, expect, it } from 'vitest';
import { VendorError } from '../../core/vendor-port.js';
import { orderCallFailure, orderMayExist } from './unconfirmed.js';

const fetchFailed = (code: string) => Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error(code), { code }) });
const unreachable = (cause: unknown) => new VendorError('pymetrics is unreachable', { retryable: true, cause });

describe('a failed pymetrics order call', () => {
  it('may have acted when it was sent and its answer lost or unreadable', () => {
    expect(orderMayExist(new VendorError('pymetrics request_assessment_order timed out', { retryable: true, code: 'vendor_timeout' }))).toBe(true);
    expect(orderMayExist(unreachable(new DOMException('timed out', 'TimeoutError')))).toBe(true);
    expect(orderMayExist(unreachable(fetchFailed('UND_ERR_SOCKET')))).toBe(true); // reset after sending
    expect(orderMayExist(new VendorError('pymetrics order response is invalid at order_id: not an integer', { retryable: true }))).toBe(true);
    expect(orderMayExist(new VendorError('pymetrics request_assessment_order failed: the response could not be read', { retryable: true }))).toBe(true);
  });

  it('did not act when it never connected, was refused, or stopped at the session', () => {
    expect(orderMayExist(unreachable(fetchFailed('ECONNREFUSED')))).toBe(false);
    expect(orderMayExist(unreachable(fetchFailed('ENOTFOUND')))).toBe(false);
    expect(orderMayExist(new VendorError('pymetrics answered HTTP 503', { retryable: true, vendorCode: '503' }))).toBe(false);
    expect(orderMayExist(new VendorError('pymetrics fault Server: Internal Error', { retryable: true, vendorCode: 'Server' }))).toBe(false);
    expect(orderMayExist(new VendorError('pymetrics fault Client: bad', { retryable: false, vendorCode: 'Client' }))).toBe(false);
    expect(orderMayExist(new VendorError('pymetrics authenticate timed out', { retryable: true, code: 'vendor_timeout' }))).toBe(false);
    expect(orderMayExist(new VendorError('pymetrics authentication failed: x', { retryable: true, code: 'vendor_auth_failed' }))).toBe(false);
  });

  it('is marked, keeping its code, only when it may have acted', () => {
    const marked = orderCallFailure(new VendorError('pymetrics request_assessment_order timed out', { retryable: true, code: 'vendor_timeout' }));
    expect(marked).toMatchObject({ mayHaveActed: true, retryable: true, code: 'vendor_timeout' });
    const refused = unreachable(fetchFailed('ECONNREFUSED'));
    expect(orderCallFailure(refused)).toBe(refused);
  });
});
