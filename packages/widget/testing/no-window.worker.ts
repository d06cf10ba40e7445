// Imports the widget entry where there is no window (a worker) and reports back whether that was harmless.
import('../src/index.js').then(
  () => postMessage({ ok: true, hasHTMLElement: typeof HTMLElement !== 'undefined' }),
  (err: unknown) => postMessage({ ok: false, error: String(err) }),
);
