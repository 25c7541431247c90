// Builds each pattern's downloads from the content gateway, once per build process.
import { getAppFiles, getCatalog, getDeployFacts, getPattern, getRootLockfile, getRulePackBuild, getSynthOutput } from '../content';
import { siteConfig } from '../site-config';
import { appBundle, type Language } from './app-bundle';
import { catalogJson, type CatalogJson, downloadEntry, downloadLanguages, type DownloadEntry, pagePath } from './catalog';
import { deterministicZip } from './zip';

export type { Language } from './app-bundle';
export { downloadLanguages, downloadPath } from './catalog';

const zips = new Map<string, Uint8Array>();

/** The npm package of the CLI in packages/cli: `npx <it> init <slug>`. */
export const CLI_PACKAGE = 'serverless-cdk-patterns-cli';

/** The CDK CLI version the pattern's TypeScript app pins, for the Python app's `npx aws-cdk@…`. */
export function getCdkCliVersion(slug: string): string {
  const manifest = getAppFiles(slug, 'typescript').find((f) => f.path === 'package.json');
  const version = manifest && (JSON.parse(new TextDecoder().decode(manifest.data)) as { devDependencies?: Record<string, string> }).devDependencies?.['aws-cdk'];
  if (!version) throw new Error(`content/patterns/${slug}/typescript/package.json: expected a pinned "aws-cdk" devDependency (the CDK CLI)`);
  return version;
}

export function getDownloadZip(slug: string, language: Language): Uint8Array {
  const key = `${slug}-${language}`;
  const cached = zips.get(key);
  if (cached) return cached;
  const pattern = getPattern(slug);
  if (!pattern || !downloadLanguages(pattern).includes(language)) throw new Error(`No ${language} app for pattern "${slug}"`);
  const facts = getDeployFacts(pattern);
  const files = appBundle({
    slug,
    language,
    files: getAppFiles(slug, language),
    lock: language === 'typescript' ? getRootLockfile() : undefined,
    vendored: language === 'typescript' ? [getRulePackBuild()] : [],
    readme: {
      title: pattern.title,
      summary: pattern.summary,
      pageUrl: `${siteConfig.url}/${pagePath(slug)}`,
      cdkCliVersion: getCdkCliVersion(slug),
      stacks: getSynthOutput(pattern).stacks.map((s) => s.name),
      leftovers: [...facts.blockers, ...facts.leftovers],
      before: pattern.kind === 'anti-pattern' ? pattern.antiPattern?.before : undefined,
    },
  });
  const zip = deterministicZip(key, files);
  zips.set(key, zip);
  return zip;
}

export function getDownloadEntry(slug: string, language: Language): DownloadEntry {
  return downloadEntry(slug, language, getDownloadZip(slug, language));
}

export function getCatalogJson(): CatalogJson {
  return catalogJson(getCatalog(), getDownloadEntry, getCdkCliVersion);
}
