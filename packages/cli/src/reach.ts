// What `ca probe` says when a vendor cannot be reached: the host it called and the network error underneath
// (`127.0.0.1:9: ECONNREFUSED 127.0.0.1:9`, `api.example.com: ENOTFOUND api.example.com`, a TLS certificate error).
// Taken from the failure's causes when the adapter kept them; otherwise found by connecting to the host once.
import { isIP, connect as tcpConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';

/** The http(s) URLs of a vendor block (`baseUrl`, `endpoint`, …): where its calls go. */
export function urlsOf(block: Record<string, unknown>): URL[] {
  const urls = Object.values(block).filter((v): v is string => typeof v === 'string' && /^https?:\/\//i.test(v) && URL.canParse(v));
  return [...new Set(urls)].map((v) => new URL(v));
}

/** The network error under a failed call (`ECONNREFUSED 127.0.0.1:9`, `ENOTFOUND api.example.com`), from its causes. */
export function networkCause(err: unknown, depth = 0): string | undefined {
  if (!err || typeof err !== 'object' || depth > 8) return undefined;
  const e = err as { code?: unknown; address?: unknown; port?: unknown; hostname?: unknown; cause?: unknown; errors?: unknown };
  if (typeof e.code === 'string' && /^(E[A-Z0-9_]+|UND_ERR_[A-Z_]+|[A-Z_]*CERT[A-Z_]*)$/.test(e.code)) {
    const where = typeof e.address === 'string' ? `${e.address}${typeof e.port === 'number' ? `:${e.port}` : ''}` : typeof e.hostname === 'string' ? e.hostname : '';
    return where ? `${e.code} ${where}` : e.code;
  }
  // Several addresses tried (IPv4 and IPv6): the first one's error stands for them.
  if (Array.isArray(e.errors)) {
    for (const inner of e.errors) {
      const found = networkCause(inner, depth + 1);
      if (found) return found;
    }
  }
  return networkCause(e.cause, depth + 1);
}

/** Connects to the URL's host once (TLS for https); the error, or undefined when the connection works. */
export function reach(url: URL, timeoutMs = 5000): Promise<string | undefined> {
  const https = url.protocol === 'https:';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port) || (https ? 443 : 80);
  return new Promise((done) => {
    const socket: Socket = https ? tlsConnect({ host, port, ...(isIP(host) ? {} : { servername: host }) }) : tcpConnect({ host, port });
    const finish = (result: string | undefined) => {
      clearTimeout(timer);
      socket.destroy();
      done(result);
    };
    const timer = setTimeout(() => finish(`no connection to ${host}:${port} within ${timeoutMs} ms`), timeoutMs);
    socket.once(https ? 'secureConnect' : 'connect', () => finish(undefined));
    socket.once('error', (err) => finish(networkCause(err) ?? err.message));
  });
}

/** `host[, host]: underlying error` for a failed probe; the hosts alone when the network is not the problem. */
export async function whereItFailed(err: unknown, block: Record<string, unknown>): Promise<string> {
  const urls = urlsOf(block);
  const hosts = urls.map((u) => u.host).join(', ') || 'no URL in the block';
  let cause = networkCause(err);
  for (const u of urls) {
    if (cause) break;
    cause = await reach(u);
  }
  return cause ? `${hosts}: ${cause}` : hosts;
}
