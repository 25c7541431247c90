// Serves the exported site in out/ the way a static host would (404.html for unknown paths).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

if (!existsSync('out/index.html')) {
  console.error('No built site in out/. Run "npm run build" first (or "npm start", which builds, then serves).');
  process.exit(1);
}
const port = process.env.PORT ?? '3000';
const host = process.env.HOST ?? 'localhost';
const child = spawn('node_modules/.bin/serve', ['out', '--config', '../serve.json', '--listen', `tcp://${host}:${port}`, '--no-clipboard', '--no-port-switching', '--no-request-logging'], {
  stdio: 'inherit',
  env: { ...process.env, NO_UPDATE_CHECK: '1' },
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code) => process.exit(code ?? 0));
