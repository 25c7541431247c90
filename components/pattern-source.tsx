import { CodePanel } from '@/components/code-panel';
import { LANGUAGE_LABELS, LanguageTabs } from '@/components/language-tabs';
import { getSourceFile, languageAnchor, type Pattern } from '@/lib/content';
import { highlight, languageOf, mergeCss } from '@/lib/highlight';
import { highlightCache } from '@/lib/highlight-cache';
import { repositoryUrl } from '@/lib/site-config';
import { CLI_PACKAGE, downloadPath, getCdkCliVersion, getDownloadZip } from '@/lib/downloads';
import { Island } from '@/components/island';

type Language = 'typescript' | 'python';

// Styled from the list rather than on each file: an app has up to 26 files, each in the page's HTML and its RSC payload.
const FILE_LIST =
  '[&_details]:rounded-lg [&_details]:border [&_details]:border-slate-200 dark:[&_details]:border-slate-800 [&_summary]:cursor-pointer [&_summary]:px-3 [&_summary]:py-3 [&_summary]:font-mono [&_summary]:text-sm [&_summary:hover]:bg-slate-50 dark:[&_summary:hover]:bg-slate-900 [&_details>div]:scroll-mt-12 [&_details>div]:p-2';

/** What the page tells a reader to run: fetch the standalone app, then the same steps as its README. */
function startCommands(slug: string, language: Language): string {
  const cdk = language === 'python' ? `npx aws-cdk@${getCdkCliVersion(slug)}` : 'npx cdk';
  const install = language === 'python' ? ['python3 -m venv .venv && source .venv/bin/activate', 'pip install -r requirements-dev.txt'] : ['npm ci'];
  const rows: [string, string][] = [
    [`npx ${CLI_PACKAGE} init ${slug}${language === 'python' ? ' --lang python' : ''}`, `or unzip the download below and cd ${slug}-${language}`],
    [`cd ${slug}`, ''],
    ...install.map((line): [string, string] => [line, '']),
    [`${cdk} synth`, 'offline: prints the CloudFormation template'],
    [language === 'python' ? 'pytest' : 'npm test', 'assertions + handler tests'],
    [`${cdk} deploy`, 'needs AWS credentials and a bootstrapped account'],
    [`${cdk} destroy`, 'clean up'],
  ];
  const width = Math.max(...rows.filter(([, why]) => why).map(([c]) => c.length)) + 2;
  return rows.map(([c, why]) => (why ? `${c.padEnd(width)}# ${why}` : c)).join('\n');
}

function kib(bytes: number): string {
  return `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

async function LanguagePanel({ pattern, language, files, tabbed }: { pattern: Pattern; language: Language; files: string[]; tabbed: boolean }) {
  const base = `content/patterns/${pattern.slug}/${language}`;
  const highlighted = await Promise.all(files.map(async (file) => ({ file, ...(await highlightCache.highlight(getSourceFile(pattern.slug, file, language), languageOf(file))) })));
  const start = await highlight(startCommands(pattern.slug, language), 'shellscript');
  const css = mergeCss([start.css, ...highlighted.map((f) => f.css)]);
  const label = LANGUAGE_LABELS[language];
  return (
    <section data-lang-panel={language} id={`panel-${language}`} role={tabbed ? 'tabpanel' : undefined} aria-labelledby={`source-${language}-heading`} className="space-y-6">
      {/* href and precedence let React hoist the highlighting classes into <head>: a <style> in the body is invalid HTML. */}
      <style href={`highlight-${language}`} precedence="default">
        {css}
      </style>
      <h3 id={`source-${language}-heading`} className="text-lg font-semibold">{label}</h3>
      <div>
        <h4 className="mb-2 font-semibold">Start from this pattern</h4>
        <CodePanel id={language === 'typescript' ? 'start-commands' : `start-commands-${language}`} title={`terminal (${label})`} html={start.html} />
        <p className="mt-3 text-sm">
          <a href={`/${downloadPath(pattern.slug, language)}`} download className="font-medium text-orange-700 hover:underline dark:text-orange-300" data-download={language}>
            {`Download ${pattern.slug}-${language}.zip`}
          </a>{' '}
          <span className="text-slate-500 dark:text-slate-400">({kib(getDownloadZip(pattern.slug, language).byteLength)}: a standalone app with its README, {language === 'python' ? 'pinned requirements' : 'package.json and lockfile'})</span>
        </p>
      </div>
      <div>
        <h4 className="mb-2 font-semibold">
          Files <span className="font-normal text-slate-500 dark:text-slate-400">({files.length})</span>
        </h4>
        <p className="mb-3 text-sm">
          <a href={repositoryUrl(base, 'tree')} className="text-orange-700 hover:underline dark:text-orange-300">
            Browse {base}/ in the repository
          </a>
        </p>
        <ul className={`space-y-1 ${FILE_LIST}`} aria-label={`${label} source files`}>
          {highlighted.map(({ file, html }) => {
            const anchor = languageAnchor(language, file);
            return (
              <li key={file} data-source-file={file} data-source-language={language}>
                {/* One file open at a time per language, so the section stays one file long; the anchor sits
                    inside, so following a link to a file opens it (the browser does, with or without JavaScript). */}
                <details name={`files-${language}`}>
                  <summary>{file}</summary>
                  <div id={anchor}>
                    <CodePanel
                      id={`${anchor}-code`}
                      title={file}
                      html={html}
                      actions={
                        <a href={repositoryUrl(`${base}/${file}`)} className="text-xs text-orange-700 hover:underline dark:text-orange-300">
                          View in repository
                        </a>
                      }
                    />
                  </div>
                </details>
              </li>
            );
          })}
        </ul>
      </div>
    </section>
  );
}

/** Each language's app, highlighted at build time: tabs with JavaScript, one after the other without. */
export async function PatternSource({ pattern }: { pattern: Pattern }) {
  const apps = [
    { language: 'typescript' as const, files: pattern.sourceFiles },
    ...(pattern.pythonFiles.length ? [{ language: 'python' as const, files: pattern.pythonFiles }] : []),
  ];
  return (
    <div data-lang-group={apps.length > 1 ? 'both' : 'one'}>
      <Island name="hash-reveal" props={{}} />
      {apps.length > 1 && <Island name="language-tabs" component={LanguageTabs} props={{ languages: apps.map((a) => a.language) }} />}
      <div className="space-y-12">
        {apps.map((app) => (
          <LanguagePanel key={app.language} pattern={pattern} language={app.language} files={app.files} tabbed={apps.length > 1} />
        ))}
      </div>
    </div>
  );
}
