// Writes the feature flags `cdk init` writes for the pinned CDK version into every app's
// cdk.json, keeping each app's own settings. The content check fails until this has run.
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { recommendedFlags, withRecommendedFlags } from '../lib/content/cdk-flags';
import { defaultPaths } from '../lib/content/load';

const paths = defaultPaths();
const flags = recommendedFlags(paths.root);
if (!flags) throw new Error('node_modules/aws-cdk is missing: run "npm install" first.');
let changed = 0;
for (const slug of readdirSync(join(paths.content, 'patterns')).sort()) {
  for (const language of ['typescript', 'python']) {
    const file = join(paths.content, 'patterns', slug, language, 'cdk.json');
    if (!existsSync(file)) continue;
    const before = readFileSync(file, 'utf8');
    const after = withRecommendedFlags(before, flags);
    if (after !== before) {
      writeFileSync(file, after);
      changed++;
      console.log(`updated ${join('content/patterns', slug, language, 'cdk.json')}`);
    }
  }
}
console.log(`${Object.keys(flags).length} recommended flags; ${changed} cdk.json file(s) changed.`);
