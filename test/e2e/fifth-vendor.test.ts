// A fifth vendor, added the way the house means it: its folder (test/fifth-vendor: adapter module and sandbox
// module) plus one line in each registry. The conformance suite, the demo (config, simulator) and the widget
// (catalog and order names, in real Chromium) pick it up with no other change and no widget rebuild.
import { vendorModules } from '@ca/bff';
import { makeTestContext, runAdapterConformance } from '@ca/bff/conformance';
import { startDemo, type Demo } from '@ca/demo';
import { sandboxModuleList } from '@ca/sandboxes';
import type { Order } from '@ca/shared';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import quizly from '../fifth-vendor/adapter.js';
import { quizlySandbox, startQuizlySandbox } from '../fifth-vendor/sandbox.js';
import { launchBrowser, openAtsPage, orderFromWidget, orderRow, problemsOf, simulate, waitForStatus } from './support/browser.js';

const vendors = [...vendorModules, quizly]; // the one registry line of the BFF
const sandboxes = [...sandboxModuleList, quizlySandbox]; // the one registry line of the sandboxes

runAdapterConformance('Quizly (a fifth vendor)', async () => {
  const sandbox = await startQuizlySandbox();
  const pkg = { id: 'quizly-logic', vendor: 'quizly', name: 'Logic quiz', test: 'logic' };
  const ctx = makeTestContext({ vendor: 'quizly', config: { baseUrl: sandbox.url, apiKey: sandbox.apiKey }, packages: [pkg] });
  const adapter = quizly.create(ctx);
  return {
    adapter,
    ctx,
    package: pkg,
    sandbox,
    lifecycle: [
      { step: 'start', expect: 'in_progress' },
      { step: 'finish', expect: 'completed' },
      { step: 'score', expect: 'scored' },
    ],
    observe: (order) => adapter.refresh!([order]),
    launchUrlsAreSingleUse: true,
    orderingCallsVendor: true,
    secrets: [sandbox.apiKey],
    teardown: () => sandbox.stop(),
  };
});

describe('a fifth vendor added through its folder and one registry line', () => {
  let demo: Demo;
  let browser: Browser;
  let context: BrowserContext;

  beforeAll(async () => {
    [demo, browser] = await Promise.all([
      startDemo({ bffPort: 0, atsPort: 0, database: 'memory:', pollIntervalSeconds: 1, logLevel: 'silent', vendors, sandboxes }),
      launchBrowser(),
    ]);
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  });
  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
  });

  it('is started and configured by the demo next to the four vendors', () => {
    expect(demo.vendors.map((v) => v.vendor)).toEqual(['pymetrics', 'mettl', 'berke', 'psi', 'quizly']);
    expect(demo.secrets().map((s) => s.name)).toContain('Quizly API key');
  });

  it('is ordered in the widget under its display name, and the simulator moves it to scored live', async () => {
    const [candidate] = demo.candidates;
    const recruiter = await openAtsPage(context, demo.recruiterUrl(candidate!.id));
    const option = recruiter.locator('candidate-assessment select[part=package-select] option[value="quizly-logic"]');
    expect(await option.textContent()).toContain('Quizly Assessments');

    const id = await orderFromWidget(recruiter, 'quizly-logic');
    await waitForStatus(recruiter, id, 'invited');
    expect(await orderRow(recruiter, id).textContent()).toContain('Quizly Assessments');
    for (const [step, status] of [
      ['start', 'in_progress'],
      ['finish', 'completed'],
      ['score', 'scored'],
    ] as const) {
      await simulate(recruiter, id, step);
      await waitForStatus(recruiter, id, status);
    }
    expect(problemsOf(recruiter)).toEqual([]);

    const bff = demo.bff();
    const { order } = (await (await fetch(`${bff.url}/v1/orders/${id}`, { headers: { authorization: `Bearer ${apiKeyOf(demo)}` } })).json()) as { order: Order };
    expect(order).toMatchObject({ vendor: 'quizly', vendorName: 'Quizly Assessments', status: 'scored', result: { score: 77 } });
  });
});

const apiKeyOf = (demo: Demo) => demo.secrets().find((s) => s.name === 'tenant API key')!.value;
