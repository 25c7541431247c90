// Type-checking each pattern app on its own loads aws-cdk-lib's 3,000 declaration files once per
// app (about 5 s each). Apps whose compiler options are identical can share one TypeScript program:
// each file is still checked under its own app's options and its own package.json's module format.
import { posix } from 'node:path';

export type AppTsconfig = {
  /** The app's folder, relative to the repository root, with forward slashes. */
  dir: string;
  config: { compilerOptions?: Record<string, unknown>; include?: string[]; exclude?: string[]; [key: string]: unknown };
};

export type TypecheckGroup = { apps: string[]; config: AppTsconfig['config'] | null };

// Options whose values are paths would change meaning when moved to a shared config file.
const PATH_OPTIONS = ['baseUrl', 'paths', 'rootDir', 'rootDirs', 'typeRoots', 'outDir', 'declarationDir', 'tsBuildInfoFile'];

function shareable(config: AppTsconfig['config']): boolean {
  const keys = Object.keys(config).filter((k) => !['compilerOptions', 'include', 'exclude'].includes(k));
  const options = Object.keys(config.compilerOptions ?? {});
  return keys.length === 0 && Array.isArray(config.include) && !options.some((o) => PATH_OPTIONS.includes(o));
}

/**
 * Groups apps by identical compiler options. A group of several apps gets one combined config,
 * written at `configDir` (relative to the root), whose include and exclude lists are each app's
 * own, re-rooted; an app that cannot share (extends, references, path options) gets `config: null`
 * and is checked with its own tsconfig.
 */
export function typecheckGroups(apps: readonly AppTsconfig[], configDir: string): TypecheckGroup[] {
  const byOptions = new Map<string, AppTsconfig[]>();
  const alone: TypecheckGroup[] = [];
  for (const app of apps) {
    if (!shareable(app.config)) {
      alone.push({ apps: [app.dir], config: null });
      continue;
    }
    const key = JSON.stringify(Object.entries(app.config.compilerOptions ?? {}).sort(([a], [b]) => a.localeCompare(b)));
    byOptions.set(key, [...(byOptions.get(key) ?? []), app]);
  }
  const shared = [...byOptions.values()].map((members): TypecheckGroup => {
    if (members.length === 1) return { apps: [members[0].dir], config: null };
    const rebase = (app: AppTsconfig, pattern: string) => posix.join(posix.relative(configDir, app.dir), pattern);
    return {
      apps: members.map((m) => m.dir),
      config: {
        compilerOptions: members[0].config.compilerOptions,
        include: members.flatMap((m) => (m.config.include ?? []).map((p) => rebase(m, p))),
        exclude: members.flatMap((m) => (m.config.exclude ?? []).map((p) => rebase(m, p))),
      },
    };
  });
  return [...shared, ...alone];
}
