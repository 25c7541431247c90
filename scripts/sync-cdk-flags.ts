// Writes the feature flags `cdk init` writes for the pinned CDK version into every app's
// cdk.json and into the site's own app (infra/cdk.json), keeping each app's own settings. The content check fails until this has run.
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { recommendedFlags, withRecommendedFlags } from '../lib/content/cdk-flags';
import { defaultPaths } from '../lib/content/load';

const paths = defaultPaths();
const flags = recommendedFlags(paths.root);
if (!flags) throw new Error('node_modules/aws-cdk is missing: run "npm install" first.');
// Every pattern app in both languages, and the site's own app (infra/).
const files = [
  ...readdirSync(join(paths.content, 'patterns'))
    .sort()
    .flatMap((slug) => ['typescript', 'python'].map((language) => join(paths.content, 'patterns', slug, language, 'cdk.json'))),
  join(paths.root, 'infra', 'cdk.json'),
];
let changed = 0;
for (const file of files.filter((f) => existsSync(f))) {
  const before = readFileSync(file, 'utf8');
  const after = withRecommendedFlags(before, flags);
  if (after !== before) {
    writeFileSync(file, after);
    changed++;
    console.log(`updated ${relative(paths.root, file)}`);
  }
}
console.log(`${Object.keys(flags).length} recommended flags; ${changed} cdk.json file(s) changed.`);
