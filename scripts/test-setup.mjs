#!/usr/bin/env node
// Before the tests: make sure Debian's Chromium (browser tests), python3-zeep (the independent SOAP
// client that checks our WSDL) and a Devanagari font are installed, then build the widget bundle and, at the same time,
// the embedded databases' template copies (scripts/test-files.mjs) and the bundle of the BFF and the CLI that the tests' child
// processes run (scripts/test-build.mjs). Never downloads a browser build of its own: only
// Debian packages, and only when missing.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { useTestBuild } from './test-build.mjs';
import { useTestTemplate } from './test-files.mjs';
import { widgetBuilt } from './widget-build.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const missing = [];
if (!existsSync('/usr/bin/chromium')) missing.push('chromium');
// `python3` may be a pyenv shim without Debian's modules: zeep counts as there if either Python imports it.
const hasZeep = ['python3', '/usr/bin/python3'].some((py) => spawnSync(py, ['-c', 'import zeep'], { stdio: 'ignore' }).status === 0);
if (!hasZeep) missing.push('python3-zeep');
// Devanagari glyphs for the Hindi screenshots (without them Chromium draws boxes; the tests still pass).
if (!existsSync('/usr/share/fonts/truetype/lohit-devanagari')) missing.push('fonts-lohit-deva');

if (missing.length) {
  const asRoot = process.getuid?.() === 0;
  const apt = (args) => spawnSync(asRoot ? 'apt-get' : 'sudo', asRoot ? args : ['apt-get', ...args], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  process.stderr.write(`installing Debian packages: ${missing.join(' ')}\n`);
  if (apt(['update', '-qq']).status !== 0 || apt(['install', '-y', '-qq', ...missing]).status !== 0) {
    process.stderr.write(`could not install ${missing.join(' ')}; install them with apt-get and run the tests again\n`);
    process.exit(1);
  }
}
await Promise.all([widgetBuilt(root), useTestTemplate(root), useTestBuild(root)]);
