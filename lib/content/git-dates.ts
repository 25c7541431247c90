import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

export type ChangeDate = {
  /** An ISO 8601 date-time (git) or date (frontmatter). */
  date: string;
  /** Where it came from: a commit, or the frontmatter because git could not tell. */
  source: 'git' | 'frontmatter';
};

/** A record separator no file name contains, so commits and their files can be told apart. */
const SEP = '\u001e';

/**
 * Reads `git log --name-only` output (newest first) into the latest commit date of each folder under
 * `prefix`. Pure, so the parsing is tested without a repository. Commits in `unreliable` (a shallow
 * clone's boundary, whose diff shows every file as new) say nothing about when a file last changed.
 */
export function latestDates(log: string, prefix: string, unreliable: ReadonlySet<string> = new Set()): Map<string, string> {
  const dates = new Map<string, string>();
  for (const entry of log.split(SEP).slice(1)) {
    const [head = '', ...files] = entry.split('\n');
    const [hash = '', date = ''] = head.trim().split(' ');
    if (unreliable.has(hash) || !date) continue;
    for (const file of files) {
      if (!file.startsWith(prefix)) continue;
      const folder = file.slice(prefix.length).split('/')[0]!;
      if (folder && !dates.has(folder)) dates.set(folder, date);
    }
  }
  return dates;
}

function git(root: string, args: string[]): string {
  return execFileSync('git', args, { cwd: root, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'ignore'] });
}

/** The boundary commits of a shallow clone; empty for a full one. */
function shallowBoundary(root: string): Set<string> {
  if (git(root, ['rev-parse', '--is-shallow-repository']).trim() !== 'true') return new Set();
  const file = git(root, ['rev-parse', '--path-format=absolute', '--git-path', 'shallow']).trim();
  return new Set(existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : []);
}

/**
 * The latest commit date of every pattern folder, from one `git log` over content/patterns (one process
 * for the whole catalog, however many pages ask). Empty when git or the history is not there; callers
 * then fall back to the frontmatter dates.
 */
export function patternCommitDates(root: string): Map<string, string> {
  try {
    const log = git(root, ['log', `--format=${SEP}%H %cI`, '--name-only', '--no-renames', '--', 'content/patterns']);
    return latestDates(log, 'content/patterns/', shallowBoundary(root));
  } catch {
    return new Map();
  }
}
