// Writes snapshots/region-support.json: for each commercial Region, the CloudFormation resource
// types it lacks, from the pinned cfn-lint's own provider data. Pages read it to say where a
// pattern deploys. `npm run check:cfn-lint` fails while it is out of date.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { regionSupportFile, regionSupportSchema } from '../lib/content/regions';
import { defaultPaths } from '../lib/content/load';

const paths = defaultPaths();
const python = join(paths.root, '.venv', 'bin', 'python');
const info = JSON.parse(
  execFileSync(python, ['-c', 'import cfnlint, json, os; from cfnlint.version import __version__ as v; print(json.dumps({"dir": os.path.dirname(cfnlint.__file__), "version": v}))'], { encoding: 'utf8' }),
) as { dir: string; version: string };
const providers = join(info.dir, 'data', 'schemas', 'providers');
// Commercial Regions only: China, GovCloud, ISO and sovereign partitions need accounts of their own.
const regions = readdirSync(providers)
  .filter((f) => /^[a-z]{2}-[a-z]+-\d\.json$/.test(f) && !/^(cn|us-gov|us-iso|eu-isoe|eusc)-/.test(f))
  .map((f) => f.replace(/\.json$/, ''))
  .sort();
const typesIn = new Map(regions.map((r) => [r, new Set(Object.keys(JSON.parse(readFileSync(join(providers, `${r}.json`), 'utf8')) as object))]));
const all = new Set([...typesIn.values()].flatMap((s) => [...s]));
const types = Object.fromEntries([...all].sort().map((t) => [t, regions.map((r) => (typesIn.get(r)!.has(t) ? '1' : '0')).join('')]));
const data = regionSupportSchema.parse({ source: `cfn-lint ${info.version}`, regions, types });
// One type a line: small diffs when cfn-lint learns a new Region or type.
const lines = Object.entries(data.types).map(([t, bits]) => `  ${JSON.stringify(t)}: "${bits}"`);
writeFileSync(regionSupportFile(paths), `{"source": ${JSON.stringify(data.source)}, "regions": ${JSON.stringify(regions)}, "types": {\n${lines.join(',\n')}\n}}\n`);
console.log(`Regions: ${regions.length} commercial Regions, ${all.size} resource types (${data.source}).`);
