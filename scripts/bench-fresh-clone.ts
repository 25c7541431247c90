// Fresh-clone figures (npm run bench:fresh): what a reader's first `npm install && npm start` costs,
// timed until the home page answers, with the build's steps as it reports them; then `npm start`
// again with nothing changed, and `npm run build` after one pattern's stack file changes (its
// TypeScript app is synthesized again). Clones the committed HEAD into a temporary folder, which
// it removes; uncommitted changes are not measured. BENCH_FRESH_PORT picks the port (default 4392).
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const port = Number(process.env.BENCH_FRESH_PORT ?? 4392);
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1', NO_UPDATE_CHECK: '1', PORT: String(port), HOST: '127.0.0.1' };

function run(command: string, args: string[], cwd: string): { ms: number; out: string } {
  const started = Date.now();
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
  return { ms: Date.now() - started, out: result.stdout + result.stderr };
}

/** `npm start` until the home page answers: the build's output and the milliseconds it took. */
async function startUntilServing(cwd: string): Promise<{ ms: number; out: string; server: ChildProcess }> {
  const started = Date.now();
  const server = spawn('npm', ['start'], { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  server.stdout!.on('data', (d) => (out += d));
  server.stderr!.on('data', (d) => (out += d));
  for (;;) {
    if (server.exitCode !== null) throw new Error(`npm start exited with ${server.exitCode}:\n${out}`);
    const ok = await fetch(`http://127.0.0.1:${port}/`).then((r) => r.ok, () => false);
    if (ok) return { ms: Date.now() - started, out, server };
    await new Promise((r) => setTimeout(r, 200));
  }
}

const stop = (server: ChildProcess) => process.kill(-server.pid!, 'SIGTERM');

/** The steps the build prints its own time for. */
function steps(out: string): string[] {
  const grab = (label: string, re: RegExp, scale = 1) => {
    const m = out.match(re);
    return m ? `${label} ${seconds(Number(m[1]) * scale)}` : undefined;
  };
  return [
    grab('highlighting', /Highlighting: .*\(([\d.]+) s\)/, 1000),
    grab('next compile', /Compiled successfully in ([\d.]+)(?:s)/, 1000) ?? grab('next compile', /Compiled successfully in ([\d.]+)ms/),
    grab('page generation', /Generating static pages using \d+ workers \(\d+\/\d+\) in ([\d.]+)s/, 1000),
    grab('islands', /build-islands: .*\((\d+) ms\)/),
  ].filter((s): s is string => Boolean(s));
}

const startedAt = new Date().toISOString().slice(0, 16);
const dir = mkdtempSync(join(tmpdir(), 'bench-fresh-'));
const say = (line: string) => console.log(line);
try {
  const head = run('git', ['rev-parse', '--short', 'HEAD'], root).out.trim();
  run('git', ['clone', '--quiet', root, dir], root);
  // Exactly the README's command: npm's audit and funding messages included.
  const install = run('npm', ['install'], dir);
  const first = await startUntilServing(dir);
  stop(first.server);
  const again = await startUntilServing(dir);
  stop(again.server);
  const slug = readdirSync(join(dir, 'content', 'patterns')).sort()[0]!;
  const stack = join(dir, 'content', 'patterns', slug, 'typescript', 'lib', readdirSync(join(dir, 'content', 'patterns', slug, 'typescript', 'lib')).find((f) => f.endsWith('-stack.ts'))!);
  appendFileSync(stack, '\n// bench: one changed line\n');
  const changed = run('npm', ['run', 'build'], dir);
  say(`\nFresh clone of ${head}, started ${startedAt}Z on this machine\n`);
  say('| step | seconds | inside it |\n|---|---|---|');
  say(`| npm install | ${seconds(install.ms)} | |`);
  say(`| npm start, until the home page answers | ${seconds(first.ms)} | ${steps(first.out).join(', ')} |`);
  say(`| fresh clone in all (goal: 90 s) | ${seconds(install.ms + first.ms)} | |`);
  say(`| npm start again, nothing changed | ${seconds(again.ms)} | ${steps(again.out).join(', ')} |`);
  say(`| npm run build, ${slug}'s stack file changed (goal: 45 s) | ${seconds(changed.ms)} | ${(changed.out.match(/Snapshots: .*synthesized (\d+)/)?.[1] ?? '?')} app(s) synthesized, ${steps(changed.out).join(', ')} |`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
