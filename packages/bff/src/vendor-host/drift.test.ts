import { describe, expect, it } from 'vitest';
import { createMetrics } from '../metrics.js';
import { redactSample } from '../core/contract.js';
import { driftReporter } from './drift.js';

describe('contract drift in production', () => {
  it('counts every drifted answer and logs each shape once, with a redacted sample', async () => {
    const metrics = createMetrics();
    const lines: { obj: Record<string, unknown>; msg?: string }[] = [];
    const log = { warn: (obj: object, msg?: string) => lines.push({ obj: obj as Record<string, unknown>, msg }) };
    const report = driftReporter(metrics);
    const who = { tenantId: 'acme', vendor: 'pymetrics' as const, log };
    const sample = '<GetStatusResponse><email>ada@example.com</email><score>x</score></GetStatusResponse>';
    for (let i = 0; i < 3; i++) report(who, { call: 'get_status', shape: 'score is not a number', sample });
    report(who, { call: 'get_status', shape: 'status missing', sample: '<GetStatusResponse/>' });
    report({ ...who, tenantId: 'globex' }, { call: 'get_status', shape: 'score is not a number', sample });
    const text = await metrics.registry.getSingleMetricAsString('ca_vendor_contract_drift_total');
    expect(text).toContain('ca_vendor_contract_drift_total{vendor="pymetrics",call="get_status"} 5');
    expect(lines.map((l) => [l.obj['shape'], l.msg?.includes('contract drift')])).toEqual([
      ['score is not a number', true],
      ['status missing', true],
      ['score is not a number', true],
    ]);
    expect(JSON.stringify(lines)).not.toContain('ada@example.com');
  });

  it('redacts names, e-mails, tokens and URLs in JSON, XML and forms, and cuts long samples', () => {
    expect(redactSample('{"firstName":"Ada","n":3,"assessmentUrl":"https://x/y?t=1","status":"OK"}')).toBe(
      '{"firstName":"[redacted]","n":3,"assessmentUrl":"[redacted]","status":"OK"}',
    );
    expect(redactSample('<a lastName="Lovelace"><Email>ada@x.org</Email><fitId>5</fitId></a>')).toBe(
      '<a lastName="[redacted]"><Email>[redacted]</Email><fitId>5</fitId></a>',
    );
    expect(redactSample('client_id=abc&client_secret=xyz')).toBe('client_id=abc&client_secret=[redacted]');
    expect(redactSample('note: write to bob@corp.example now')).toBe('note: write to [redacted] now');
    expect(redactSample('x'.repeat(1000))).toHaveLength(400);
  });
});
