// Type-checks every TypeScript pattern app, sharing one TypeScript program among apps with
// identical compiler options (see typecheck-groups.ts). Same result as `tsc --noEmit` in each app.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { listApps } from '../lib/content/apps';
import { defaultPaths } from '../lib/content/load';
import { typecheckGroups } from './typecheck-groups';

const paths = defaultPaths();
const configDir = '.generated/typecheck';
const apps = listApps(paths, readdirSync(join(paths.content, 'patterns')).sort())
  .filter((app) => app.language === 'typescript')
  .map((app) => ({
    dir: relative(paths.root, app.dir).split('\\').join('/'),
    config: JSON.parse(readFileSync(join(app.dir, 'tsconfig.json'), 'utf8')),
  }));
const tsc = join(paths.root, 'node_modules', 'typescript', 'bin', 'tsc');
mkdirSync(join(paths.root, configDir), { recursive: true });

let failed = 0;
typecheckGroups(apps, configDir).forEach((group, i) => {
  let project = join(group.apps[0], 'tsconfig.json');
  if (group.config) {
    project = join(configDir, `group-${i + 1}.json`);
    writeFileSync(join(paths.root, project), `${JSON.stringify(group.config, null, 2)}\n`);
  }
  const started = Date.now();
  const { status } = spawnSync(process.execPath, [tsc, '--noEmit', '-p', project], { cwd: paths.root, stdio: 'inherit' });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`${status === 0 ? '✔' : '✖'} ${group.apps.length} app(s) in ${seconds} s: ${group.apps.map((d) => d.split('/')[2]).join(', ')}`);
  if (status !== 0) failed += 1;
});
process.exit(failed ? 1 : 0);
