// The pymetrics sandbox's pages and control API (everything that is not SOAP): the WSDL, `/_sandbox/…` for tests and
// the simulator, the candidate's games page and the report page. Reads and moves the state; never answers SOAP.
import type http from 'node:http';
import { candidatePage as candidateHtml, layout, PAGE_CSP, reportPage as reportHtml } from './pages.js';
import type { SandboxResult, SandboxState, SandboxStep } from './state.js';

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>;

export function createControl(state: SandboxState, o: { url: string; servicePath: string; wsdlXml: string }): Handler {
  const { orders, byToken, calls, callbacks, sessions, advance } = state;
  const { url, servicePath, wsdlXml } = o;

  async function readBody(req: http.IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const c of req) {
      size += (c as Buffer).length;
      if (size > 64 * 1024) throw new Error('body too large');
      chunks.push(c as Buffer);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  const json = (res: http.ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };

  /** Everything that is not SOAP: the WSDL, the control API, the candidate page and the report page. */
  async function control(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const u = new URL(req.url ?? '/', url);
    const path = u.pathname;
    if (req.method === 'GET' && (path === `${servicePath}wsdl/` || path === `${servicePath}wsdl`)) {
      res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8' }).end(wsdlXml);
      return;
    }
    if (path.startsWith('/_sandbox/')) return sandboxApi(req, res, path);
    const invite = /^\/invite\/sc\.([0-9a-f]{32})\/(?:(register|start|complete|accept))?$/.exec(path);
    if (invite) return candidatePage(req, res, invite[1]!, invite[2] as SandboxStep | undefined);
    if (req.method === 'GET' && path === '/results/downloads/assessments/') {
      return reportPage(res, u.searchParams.get('invite_hash') ?? '');
    }
    if (req.method === 'GET' && /^\/video\/evaluation\/\d+\/\d+\/$/.test(path)) {
      return page(res, 200, 'Video evaluation', '<p>Video evaluation (sandbox).</p>');
    }
    json(res, 404, { error: 'not found' });
  }

  async function sandboxApi(req: http.IncomingMessage, res: http.ServerResponse, path: string): Promise<void> {
    if (req.method === 'GET' && path === '/_sandbox/orders') return json(res, 200, { orders: [...orders.values()] });
    if (req.method === 'GET' && path === '/_sandbox/counters') return json(res, 200, { calls });
    if (req.method === 'GET' && path === '/_sandbox/callbacks') return json(res, 200, { callbacks });
    if (req.method === 'POST' && path === '/_sandbox/counters/reset') {
      for (const k of Object.keys(calls)) delete calls[k];
      return json(res, 200, { calls });
    }
    if (req.method === 'POST' && path === '/_sandbox/sessions/expire') {
      sessions.clear();
      return json(res, 200, { expired: true });
    }
    const adv = /^\/_sandbox\/orders\/(\d+)\/advance$/.exec(path);
    if (req.method === 'POST' && adv) {
      const text = await readBody(req);
      const isJson = (req.headers['content-type'] ?? '').includes('json');
      const body = (isJson ? JSON.parse(text || '{}') : Object.fromEntries(new URLSearchParams(text))) as Record<string, unknown>;
      const step = String(body.step ?? '') as SandboxStep;
      const result: Partial<SandboxResult> = {};
      if (body.fitscore !== undefined) result.fitscore = Number(body.fitscore);
      if (body.band !== undefined) result.band = String(body.band);
      if (body.passed !== undefined) result.passed = body.passed === true || body.passed === 'true';
      try {
        return json(res, 200, { order: advance(adv[1]!, step, Object.keys(result).length ? result : undefined) });
      } catch (e) {
        return json(res, 409, { error: e instanceof Error ? e.message : 'cannot advance' });
      }
    }
    json(res, 404, { error: 'not found' });
  }

  function page(res: http.ServerResponse, status: number, title: string, body: string): void {
    res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': PAGE_CSP }).end(layout(title, body));
  }

  async function candidatePage(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    token: string,
    step: SandboxStep | undefined,
  ): Promise<void> {
    const o = orders.get(byToken.get(token) ?? '');
    if (!o) return page(res, 404, 'pymetrics sandbox', '<p>This invitation is not valid.</p>');
    if (req.method === 'POST' && step) {
      await readBody(req);
      try {
        advance(o.orderId, step);
      } catch {
        /* a double click on a finished step: show the page as it is */
      }
      res.writeHead(303, { location: `/invite/sc.${token}/` }).end();
      return;
    }
    page(res, 200, 'pymetrics games (sandbox)', candidateHtml(token, o));
  }

  function reportPage(res: http.ServerResponse, token: string): void {
    const o = orders.get(byToken.get(token) ?? '');
    if (!o) return page(res, 404, 'pymetrics report', '<p>No such report.</p>');
    page(res, 200, 'pymetrics report (sandbox)', reportHtml(o));
  }

  return control;
}
