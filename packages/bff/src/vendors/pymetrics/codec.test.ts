import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  PymetricsWireError,
  parseAuthenticate,
  parseBulkResults,
  parseBulkStatus,
  parseEcho,
  parseFault,
  parseListAssessments,
  parseOrderResponse,
  parseReport,
  readBody,
} from './codec.js';
import { resultChange, statusChange } from './updates.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const now = new Date('2026-01-02T03:04:05Z');

describe('the documented pymetrics responses parse into the unified model', () => {
  it('reads the authenticate sample once its tags are closed', () => {
    expect(parseAuthenticate(fixture('authenticate-response.tags-closed.xml'))).toEqual({
      session_id: 'SESSION_TOKEN',
      expiry_period: 3600,
    });
  });

  it('fails cleanly on the authenticate sample as printed (unclosed tags)', () => {
    expect(() => parseAuthenticate(fixture('authenticate-response.as-printed.xml'))).toThrow(PymetricsWireError);
  });

  it('reads the echo sample', () => {
    expect(parseEcho(fixture('echo-response.xml'))).toBe('ECHO');
  });

  it('reads the list_assessments sample once its closing tags match', () => {
    expect(parseListAssessments(fixture('list-assessments-response.tags-matched.xml'))).toEqual([
      { assessment_id: '33', assessment_name: 'Job Assessment', assessment_type: 'Numerical and Logical Reasoning' },
    ]);
  });

  it('fails cleanly on the list_assessments sample as printed (mismatched closing tags)', () => {
    expect(() => parseListAssessments(fixture('list-assessments-response.as-printed.xml'))).toThrow(PymetricsWireError);
  });

  it('reads the order response: order id and candidate link', () => {
    expect(parseOrderResponse(fixture('request-assessment-order-response.xml'))).toEqual({
      success: true,
      order_id: '13263',
      assessment_url: 'https://www.pymetrics.com/invite/sc.c52bc90ddf1e43e3be70e71b285ca4d5/',
    });
  });

  it('maps the bulk status sample to invited and completed, keeping the evaluation URL', () => {
    const statuses = parseBulkStatus(fixture('get-bulk-status-response.xml'));
    expect(statuses.map((s) => [s.order_id, s.status])).toEqual([
      ['13263', 'ACCEPTED'],
      ['13268', 'COMPLETED'],
    ]);
    const [accepted, completed] = statuses.map((s) => statusChange(s, now)!);
    expect(accepted).toMatchObject({
      status: 'invited',
      vendorStatus: 'ACCEPTED',
      vendorTime: now,
      dedupeKey: 'ACCEPTED',
      vendorData: { assessmentUrl: 'https://www.pymetrics.com/invite/sc.c52bc90ddf1e43e3be70e71b285ca4d5/', assessmentType: 'Games' },
    });
    expect(completed).toMatchObject({
      status: 'completed',
      vendorStatus: 'COMPLETED',
      dedupeKey: 'COMPLETED+evaluation',
      vendorData: { evaluationUrl: 'https://www.pymetrics.com/video/evaluation/245/677/', assessmentType: 'Video' },
    });
  });

  it('maps the bulk results sample to a scored result, skipping the "..." placeholder result', () => {
    const results = parseBulkResults(fixture('get-bulk-results-response.xml'));
    expect(results).toHaveLength(1);
    const change = resultChange(results[0]!, now);
    expect(change).toMatchObject({ status: 'scored', vendorStatus: 'FULFILLED', dedupeKey: 'results:13263' });
    expect(change.result).toEqual({
      score: 90,
      maxScore: 100,
      band: 'Highly Recommend',
      passed: true,
      subScores: [],
      flags: [],
      jobFits: [],
      reportAvailable: true,
    });
  });

  it('flags a result whose order offers a video evaluation', () => {
    const [status] = parseBulkStatus(fixture('get-bulk-status-response.xml')).filter((s) => s.order_id === '13268');
    const [r] = parseBulkResults(fixture('get-bulk-results-response.xml'));
    const change = resultChange({ ...r!, order_id: '13268' }, now, status);
    expect(change.result?.flags).toEqual([
      { code: 'video_evaluation', label: 'Video evaluation available', value: true, severity: 'info' },
    ]);
    expect(change.vendorData).toMatchObject({ evaluationUrl: 'https://www.pymetrics.com/video/evaluation/245/677/' });
  });

  it('reads the report URL', () => {
    expect(parseReport(fixture('get-report-response.xml'))).toBe(
      'https://www.pymetrics.com/results/downloads/assessments/?invite_hash=1c6efdbab78wefc486eacb1fe651adb274b',
    );
  });
});

const envelope = (body: string, prolog = '') =>
  `<?xml version='1.0' encoding='UTF-8'?>${prolog}<soap11env:Envelope xmlns:soap11env="http://schemas.xmlsoap.org/soap/envelope/" xmlns:tns="pym.intg.ws.3.0.0" xmlns:s1="integrations.webservice.ws_models"><soap11env:Body>${body}</soap11env:Body></soap11env:Envelope>`;

describe('pymetrics codec against hostile or odd input', () => {
  it('refuses a billion-laughs DTD without expanding it', () => {
    const lol = '<!ENTITY a0 "lol">' + Array.from({ length: 9 }, (_, i) => `<!ENTITY a${i + 1} "${`&a${i};`.repeat(10)}">`).join('');
    const xml = envelope('<tns:echoResponse><tns:echoResult>&a9;</tns:echoResult></tns:echoResponse>', `<!DOCTYPE lolz [${lol}]>`);
    const started = performance.now();
    expect(() => parseEcho(xml)).toThrow(/DTD/);
    expect(performance.now() - started).toBeLessThan(100);
  });

  it('refuses an external entity', () => {
    const xml = envelope('<tns:echoResponse><tns:echoResult>&xxe;</tns:echoResult></tns:echoResponse>', '<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>');
    expect(() => parseEcho(xml)).toThrow(PymetricsWireError);
  });

  it('leaves an undeclared entity reference as text instead of resolving it', () => {
    expect(parseEcho(envelope('<tns:echoResponse><tns:echoResult>a &amp; b &#65; &unknown;</tns:echoResult></tns:echoResponse>'))).toBe(
      'a & b A &unknown;',
    );
  });

  it('refuses a body over the size limit', () => {
    expect(() => readBody(envelope('x'.repeat(3 * 1024 * 1024)))).toThrow(/too large/);
  });

  it('refuses absurdly deep nesting', () => {
    const deep = '<a>'.repeat(5000) + '</a>'.repeat(5000);
    expect(() => readBody(envelope(deep))).toThrow(PymetricsWireError);
  });

  it('reads a fault by local names', () => {
    expect(
      parseFault(envelope('<soap11env:Fault><faultcode>soap11env:Client</faultcode><faultstring>nope</faultstring></soap11env:Fault>')),
    ).toEqual({ faultcode: 'soap11env:Client', faultstring: 'nope' });
  });

  it('rejects a status record without an order id', () => {
    expect(() =>
      parseBulkStatus(envelope('<tns:get_bulk_statusResponse><tns:get_bulk_statusResult><s1:AssessmentStatus><s1:status>ACCEPTED</s1:status></s1:AssessmentStatus></tns:get_bulk_statusResult></tns:get_bulk_statusResponse>')),
    ).toThrow(/order_id/);
  });

  it('refuses a candidate link that is not http(s) and keeps the order id it came with (a retry would order again)', () => {
    const res = parseOrderResponse(envelope('<tns:request_assessment_orderResponse><tns:request_assessment_orderResult><s1:success>true</s1:success><s1:order_id>1</s1:order_id><s1:assessment_url>javascript:alert(1)</s1:assessment_url></tns:request_assessment_orderResult></tns:request_assessment_orderResponse>'));
    expect(res).toEqual({ success: true, order_id: '1', refusedAssessmentUrl: true });
    expect(res.assessment_url).toBeUndefined();
  });
});
