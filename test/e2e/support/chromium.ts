// How the end-to-end tests start Chromium: Debian's /usr/bin/chromium, headless, with nothing that calls out.
export const CHROMIUM = {
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
};
