// /llms.txt in the llmstxt.org shape: an H1, a one-paragraph blockquote, then sections of
// "- [title](url): summary" lines. Pure: the route hands it the catalog and the site's address.
import type { Pattern } from './content';
import { byKind } from './indexes';

export type LlmsSite = { url: string; name: string; description: string };

/** Markdown link text may not hold an unbalanced bracket; a title with one is escaped, not dropped. */
const linkText = (s: string) => s.replace(/([[\]\\])/g, '\\$1');

function line(site: LlmsSite, p: Pattern): string {
  return `- [${linkText(p.title)}](${site.url}/patterns/${p.slug}/): ${p.summary}`;
}

export function llmsTxt(patterns: readonly Pattern[], site: LlmsSite): string {
  const { patterns: good, antiPatterns } = byKind(patterns);
  const out = [
    `# ${site.name}`,
    '',
    `> ${site.description}`,
    '',
    'Every pattern page explains one serverless design on AWS, maps it to the AWS Well-Architected Serverless Lens and links the AWS CDK apps (TypeScript, and Python where listed) that deploy it; each app is synthesized, checked with cdk-nag and tested on every build of the site.',
    '',
    '## Patterns',
    '',
    ...good.map((p) => line(site, p)),
  ];
  if (antiPatterns.length) {
    out.push('', '## Anti-patterns', '', 'Designs to avoid, each beside the fix and the cdk-nag rule that catches it.', '', ...antiPatterns.map((p) => line(site, p)));
  }
  out.push(
    '',
    '## Optional',
    '',
    `- [All patterns A–Z](${site.url}/patterns/): the catalog as one list`,
    `- [Patterns by AWS component](${site.url}/components/): which patterns use which service`,
    `- [Well-Architected Serverless Lens](${site.url}/well-architected/): patterns by lens best practice`,
    `- [Creators](${site.url}/creators/): who wrote each pattern`,
    `- [Atom feed](${site.url}/feed.xml): new and updated patterns, newest first`,
    '',
  );
  return out.join('\n');
}
