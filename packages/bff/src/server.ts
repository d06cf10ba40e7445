// The BFF command: loads the config named by --config or CA_CONFIG (default ./bff.config.json), listens,
// logs one line when ready, and stops cleanly on SIGTERM/SIGINT. The only place that reads the environment.
import { ConfigError } from './config.js';
import { DEFAULT_WIDGET_FILE, startBff } from './runtime.js';
import { widgetAsset, widgetScriptTag } from './routes/widget.js';
import { loadCheckedConfig } from './vendor-host/config-check.js';
import { vendorModules } from './vendors/registry.js';

function configPath(argv: string[]): string {
  const i = argv.indexOf('--config');
  if (i >= 0) {
    const v = argv[i + 1];
    if (!v) throw new ConfigError('--config needs a file path');
    return v;
  }
  const eq = argv.find((a) => a.startsWith('--config='));
  if (eq) return eq.slice('--config='.length);
  return process.env.CA_CONFIG ?? './bff.config.json';
}

/**
 * Test knob, never set in production: CA_TEST_PLACE_RETRY, JSON `{ "limit", "delay", "delayMax" }` (seconds), shortens
 * the placement retry schedule (jobs/placement.ts PLACE_RETRY) so a fault test waits out a vendor outage in seconds.
 */
function placeRetryKnob(raw = process.env.CA_TEST_PLACE_RETRY): { placeRetryLimit?: number; placeRetryDelay?: number; placeRetryDelayMax?: number } {
  if (!raw) return {};
  const { limit, delay, delayMax } = JSON.parse(raw) as { limit?: number; delay?: number; delayMax?: number };
  return {
    ...(limit !== undefined ? { placeRetryLimit: limit } : {}),
    ...(delay !== undefined ? { placeRetryDelay: delay } : {}),
    ...(delayMax !== undefined ? { placeRetryDelayMax: delayMax } : {}),
  };
}

async function main() {
  let config;
  try {
    config = await loadCheckedConfig(configPath(process.argv.slice(2)), vendorModules); // the validator `ca check` runs
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`candidate-assessment: invalid configuration\n${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const bff = await startBff({ config, vendors: vendorModules, ...placeRetryKnob() });
  bff.log.info({ url: bff.url, publicUrl: config.publicUrl, database: config.database.split(':')[0] }, `candidate-assessment BFF listening on ${bff.url}`);
  // The pinned widget URL and its integrity, for a page's <script> (docs/releasing.md#pinning-the-widget).
  const widget = await widgetAsset(DEFAULT_WIDGET_FILE).catch(() => undefined);
  if (widget) bff.log.info({ widget: { url: `${config.publicUrl}${widget.path}`, integrity: widget.integrity } }, `widget: ${widgetScriptTag(config.publicUrl, widget)}`);
  else bff.log.warn({ widgetFile: DEFAULT_WIDGET_FILE }, 'the widget is not built: /widget.js answers 404');
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    bff.log.info({ signal }, 'stopping');
    const force = setTimeout(() => process.exit(1), 10_000).unref();
    bff.stop().then(
      () => {
        clearTimeout(force);
        process.exit(0);
      },
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err) => {
  process.stderr.write(`candidate-assessment: failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
