// `npm run test:infra`, part of `npm test` after the build: the site's own CDK app (infra/). Its
// unit tests, then a real `cdk synth` of the built out/ (the app runs the AwsSolutions pack, so an
// unacknowledged finding fails here), then the pinned cfn-lint over the template it wrote.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const root = process.cwd();
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const fail = (message: string): never => {
  console.error(`✖ test:infra: ${message}`);
  process.exit(1);
};
const run = (what: string, command: string, args: string[], cwd = root) => {
  const started = Date.now();
  const result = spawnSync(command, args, { cwd, stdio: 'inherit', env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true' } });
  if (result.status !== 0) fail(`${what} failed (${command} ${args.join(' ')})`);
  console.log(`✔ test:infra: ${what} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
};

if (!existsSync(path.join(root, 'out', 'index.html'))) fail('no built site in out/: run "npm run build" first; the app deploys that folder.');
const cfnLint = path.join(root, '.venv', 'bin', 'cfn-lint');
if (!existsSync(cfnLint)) fail('cfn-lint is not installed: run "npm run setup:python" (needs python3 with venv and pip).');

run('infra unit tests', npm, ['test', '--workspace', 'infra']);
const outdir = mkdtempSync(path.join(tmpdir(), 'site-synth-'));
try {
  run('cdk synth with the AwsSolutions pack', path.join(root, 'node_modules', '.bin', 'cdk'), ['synth', '--quiet', '--no-notices', '--output', outdir], path.join(root, 'infra'));
  // .cfnlintrc.yaml's ignores (each with its reason) apply here too; CloudFront is configured in us-east-1.
  run('cfn-lint of the template', cfnLint, ['--regions', 'us-east-1', '--format', 'parseable', '--', path.join(outdir, 'ServerlessCdkPatternsSite.template.json')]);
} finally {
  rmSync(outdir, { recursive: true, force: true });
}
