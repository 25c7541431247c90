import { CodePanel } from '@/components/code-panel';
import { getSourceFile, type Pattern, sourceAnchor } from '@/lib/content';
import { highlight, languageOf, mergeCss } from '@/lib/highlight';
import { repositoryUrl, siteConfig } from '@/lib/site-config';

function startCommands(slug: string): string {
  const repo = new URL(siteConfig.repository.url).pathname.replace(/^\/|\.git$/g, '');
  return [
    `npx degit ${repo}/content/patterns/${slug}/typescript ${slug}`,
    `cd ${slug}`,
    'npm install',
    'npx cdk synth     # offline: prints the CloudFormation template',
    'npm test          # assertions + handler tests',
    'npx cdk deploy    # needs AWS credentials and a bootstrapped account',
  ].join('\n');
}

/** Every file of the pattern's typescript/ folder, highlighted at build time, each in its own disclosure. */
export async function PatternSource({ pattern }: { pattern: Pattern }) {
  const base = `content/patterns/${pattern.slug}/typescript`;
  const files = await Promise.all(
    pattern.sourceFiles.map(async (file) => ({ file, ...(await highlight(getSourceFile(pattern.slug, file), languageOf(file))) })),
  );
  const start = await highlight(startCommands(pattern.slug), 'shellscript');
  const css = mergeCss([start.css, ...files.map((f) => f.css)]);
  return (
    <div className="space-y-6">
      <style>{css}</style>
      <div>
        <h3 className="mb-2 font-semibold">Start from this pattern</h3>
        <CodePanel id="start-commands" title="terminal" html={start.html} />
      </div>
      <div>
        <h3 className="mb-2 font-semibold">
          Files <span className="font-normal text-slate-500 dark:text-slate-400">({files.length})</span>
        </h3>
        <p className="mb-3 text-sm">
          <a href={repositoryUrl(base, 'tree')} className="text-orange-700 hover:underline dark:text-orange-300">
            Browse {base}/ in the repository
          </a>
        </p>
        <ul className="space-y-2" aria-label="Source files">
          {files.map(({ file, html }) => {
            const anchor = sourceAnchor(file);
            return (
              <li key={file} id={anchor} data-source-file={file}>
                <details className="group rounded-lg border border-slate-200 dark:border-slate-800">
                  <summary className="cursor-pointer list-none px-3 py-2 font-mono text-sm hover:bg-slate-50 dark:hover:bg-slate-900">
                    <span aria-hidden className="mr-2 inline-block transition group-open:rotate-90">▸</span>
                    {file}
                  </summary>
                  <div className="p-2">
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
    </div>
  );
}
