// Security seen from the page: during a full run (all four vendors ordered, launched, moved on, scored, reports
// opened) every response the browser received, the live event streams included, and widget.js are searched for
// every secret the demo generated. None may appear.
import { Buffer } from 'node:buffer';
import type { Browser, BrowserContext, CDPSession, Page, Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemo, type Demo } from '@ca/demo';
import { followToNewTab, launchBrowser, openAtsPage, orderFromWidget, orderRow, simulate, waitForStatus } from './support/browser.js';

interface Captured {
  url: string;
  body: string;
}

/** Records what the page's event streams deliver (Playwright can only read a body once it has ended). */
async function captureStreams(context: BrowserContext, page: Page, into: Captured[]): Promise<CDPSession> {
  const cdp = await context.newCDPSession(page);
  const streams = new Map<string, Captured>();
  cdp.on('Network.responseReceived', (e) => {
    if (!e.response.mimeType.includes('event-stream')) return;
    const c: Captured = { url: e.response.url, body: '' };
    streams.set(e.requestId, c);
    into.push(c);
    cdp
      .send('Network.streamResourceContent', { requestId: e.requestId })
      .then((r) => (c.body += Buffer.from(r.bufferedData, 'base64').toString('utf8')))
      .catch(() => undefined);
  });
  cdp.on('Network.dataReceived', (e) => {
    const c = streams.get(e.requestId);
    if (c && e.data) c.body += Buffer.from(e.data, 'base64').toString('utf8');
  });
  await cdp.send('Network.enable');
  return cdp;
}

describe('no secret reaches the browser', () => {
  let demo: Demo;
  let browser: Browser;

  beforeAll(async () => {
    [demo, browser] = await Promise.all([
      startDemo({ bffPort: 0, atsPort: 0, database: 'memory:', pollIntervalSeconds: 1, logLevel: 'silent' }),
      launchBrowser(),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
  });

  it('finds no vendor secret, API key or widget key in any response of a full run or in widget.js', async () => {
    // The recruiter and the candidate: two people, two browser profiles.
    const [context, candidateContext] = await Promise.all([0, 1].map(() => browser.newContext({ viewport: { width: 1280, height: 900 } })));
    const responses: Captured[] = [];
    const reading: Promise<void>[] = [];
    const record = (r: Response) => {
      const type = r.headers()['content-type'] ?? '';
      if (type.includes('event-stream') || (r.status() >= 300 && r.status() < 400)) {
        responses.push({ url: r.url(), body: `${r.status()} ${JSON.stringify(r.headers())}` });
        return;
      }
      reading.push(
        r.body().then(
          (b) => void responses.push({ url: r.url(), body: `${JSON.stringify(r.headers())}\n${b.toString('utf8')}` }),
          () => undefined,
        ),
      );
    };
    context!.on('response', record);
    candidateContext!.on('response', record);
    const streams: Captured[] = [];
    const candidateId = 'cand-1006';
    const recruiter = await openAtsPage(context!, demo.recruiterUrl(candidateId), { beforeLoad: (p) => captureStreams(context!, p, streams) });
    const portal = await openAtsPage(candidateContext!, demo.portalUrl(candidateId), { beforeLoad: (p) => captureStreams(candidateContext!, p, streams) });
    const s = demo.sandboxes;

    const pym = await orderFromWidget(recruiter, 'pym-games');
    const mettl = await orderFromWidget(recruiter, 'mettl-java');
    const berke = await orderFromWidget(recruiter, 'berke-sales');
    const psi = await orderFromWidget(recruiter, 'psi-cert');
    await simulate(recruiter, pym, 'accept');
    for (const id of [pym, berke, psi]) await waitForStatus(portal, id, 'invited');
    const launch = (id: string, prefix: string) => followToNewTab(portal, orderRow(portal, id).locator('a[part=launch]'), prefix);

    const game = await launch(pym, `${s.pymetrics.url}/invite/`);
    await game.getByRole('button', { name: 'Create my account' }).click();
    await game.getByRole('button', { name: 'Start the games' }).click();
    await game.getByRole('button', { name: 'Finish the games' }).click();
    await waitForStatus(recruiter, pym, 'completed');
    await simulate(recruiter, pym, 'score');

    // Both pages load again mid-run, so the check also covers a fresh page's list and event stream.
    await recruiter.reload();
    await portal.reload();
    await waitForStatus(portal, mettl, 'invited');
    const test = await launch(mettl, `${s.mettl.url}/take/`);
    await test.getByRole('button', { name: 'Start test' }).click();
    await test.getByRole('button', { name: 'Finish test' }).click();
    await waitForStatus(recruiter, mettl, 'completed');
    await simulate(recruiter, mettl, 'grade');

    const berkePage = await launch(berke, `${s.berke.url}/assess/`);
    await berkePage.getByRole('button', { name: 'Start assessment' }).click();
    await berkePage.getByRole('button', { name: 'Finish assessment' }).click();
    await berkePage.waitForURL(`${demo.atsUrl}/portal/returned`);
    await waitForStatus(recruiter, berke, 'completed');
    await simulate(recruiter, berke, 'score');

    const booking = await launch(psi, `${s.psi.url}/schedule?`);
    await booking.getByRole('button', { name: 'Book Test center, New York' }).click();
    await waitForStatus(recruiter, psi, 'scheduled');
    await simulate(recruiter, psi, 'complete');

    for (const id of [pym, mettl, berke]) {
      await waitForStatus(recruiter, id, 'scored');
      const report = await followToNewTab(recruiter, orderRow(recruiter, id).locator('a[part=report]'), 'http://');
      await report.close();
    }
    await waitForStatus(recruiter, psi, 'completed');
    await Promise.all(reading);

    const widgetJs = await (await fetch(`${demo.bffUrl}/widget.js`)).text();
    const all = [...responses, ...streams, { url: `${demo.bffUrl}/widget.js`, body: widgetJs }];
    // The capture is real: it holds the pages, the API answers and the live events of this run.
    const urls = all.map((r) => r.url);
    expect(urls).toContain(demo.recruiterUrl(candidateId));
    expect(urls.some((u) => u.startsWith(`${demo.atsUrl}/ats/token`))).toBe(true);
    expect(urls.some((u) => u.startsWith(`${demo.bffUrl}/v1/orders`))).toBe(true);
    for (const vendorUrl of [s.pymetrics.url, s.mettl.url, s.berke.url, s.psi.url]) expect(urls.some((u) => u.startsWith(vendorUrl))).toBe(true);
    expect(streams.length).toBeGreaterThanOrEqual(4); // both pages, before and after their reload
    expect(streams.every((x) => x.body.includes('event: ready') || x.body.includes('event: order.'))).toBe(true);
    const streamed = streams.map((x) => x.body).join('\n');
    expect(streamed).toContain('event: order.updated');
    expect(streamed).toContain('"status":"scored"');
    expect(widgetJs.length).toBeGreaterThan(10_000);

    const secrets = demo.secrets();
    expect(secrets.length).toBe(8);
    const leaks = secrets.flatMap((secret) => all.filter((r) => r.body.includes(secret.value) || r.url.includes(secret.value)).map((r) => `${secret.name} in ${r.url}`));
    expect(leaks).toEqual([]);
    console.info(`searched ${all.length} responses (${streams.length} event streams, ${Math.round(all.reduce((n, r) => n + r.body.length, 0) / 1024)} KB) for ${secrets.length} secrets`);
    await Promise.all([context!.close(), candidateContext!.close()]);
  });
});
