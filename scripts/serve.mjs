// Serves the exported site in out/ the way a static host would (404.html for unknown paths), with
// the security headers CloudFront sends, read from lib/security-headers.ts at every start.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { tsImport } from 'tsx/esm/api';

if (!existsSync('out/index.html')) {
  console.error('No built site in out/. Run "npm run build" first (or "npm start", which builds, then serves).');
  process.exit(1);
}
const { SECURITY_HEADERS } = await tsImport('../lib/security-headers.ts', import.meta.url);
const config = {
  ...JSON.parse(readFileSync('serve.json', 'utf8')),
  headers: [{ source: '**', headers: Object.entries(SECURITY_HEADERS).map(([key, value]) => ({ key, value })) }],
};
const configDir = mkdtempSync(path.join(tmpdir(), 'serve-config-'));
const configFile = path.join(configDir, 'serve.json');
writeFileSync(configFile, JSON.stringify(config));

const port = process.env.PORT ?? '3000';
const host = process.env.HOST ?? 'localhost';
const child = spawn('node_modules/.bin/serve', ['out', '--config', configFile, '--listen', `tcp://${host}:${port}`, '--no-clipboard', '--no-port-switching', '--no-request-logging'], {
  stdio: 'inherit',
  env: { ...process.env, NO_UPDATE_CHECK: '1' },
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code) => {
  rmSync(configDir, { recursive: true, force: true });
  process.exit(code ?? 0);
});
