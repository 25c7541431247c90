// A static host for benchmarks: serves out/ gzipped, as a CDN would, and the same pages with every
// script removed under /__noscript/, so Lighthouse can compare a page with its scriptless self.
import { readFile, stat } from 'node:fs/promises';
import { type Server, createServer } from 'node:http';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};
export const NO_SCRIPT_PREFIX = '/__noscript';

const stripScripts = (html: string) => html.replace(/<script\b[^>]*>[\s\S]*?<\/script>/g, '').replace(/<link rel="modulepreload"[^>]*>/g, '');

async function resolve(root: string, urlPath: string): Promise<string | undefined> {
  const file = path.join(root, decodeURIComponent(urlPath));
  if (!file.startsWith(root)) return undefined;
  const info = await stat(file).catch(() => undefined);
  if (info?.isDirectory()) return resolve(root, `${urlPath.replace(/\/?$/, '/')}index.html`);
  return info?.isFile() ? file : undefined;
}

export function startStaticServer(root: string, port: number): Promise<Server> {
  const absRoot = path.resolve(root);
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const noScript = url.pathname.startsWith(`${NO_SCRIPT_PREFIX}/`);
    const file = await resolve(absRoot, noScript ? url.pathname.slice(NO_SCRIPT_PREFIX.length) : url.pathname);
    if (!file) {
      res.writeHead(404, { 'content-type': TYPES['.html']! }).end(await readFile(path.join(absRoot, '404.html')));
      return;
    }
    let body: Buffer = await readFile(file);
    if (noScript && file.endsWith('.html')) body = Buffer.from(stripScripts(body.toString()));
    const type = TYPES[path.extname(file)] ?? 'application/octet-stream';
    const compressible = /text|javascript|json|svg/.test(type);
    res.writeHead(200, { 'content-type': type, 'cache-control': 'no-cache', ...(compressible ? { 'content-encoding': 'gzip' } : {}) });
    res.end(compressible ? gzipSync(body) : body);
  });
  return new Promise((ok) => server.listen(port, '127.0.0.1', () => ok(server)));
}
