import type { Metadata } from 'next';
import Link from 'next/link';
import { PageHeader } from '@/components/page-header';
import { siteConfig } from '@/lib/site-config';
import { getCatalog, ruleId } from '@/lib/content';
import { byKind } from '@/lib/indexes';
import { pageMetadata } from '@/lib/page-meta';

export const metadata: Metadata = pageMetadata({ title: 'About', path: '/about/', description: 'Why the catalog exists, how every pattern is checked on each build, and the anti-pattern rule pack for cdk-nag.' });

const INSTALL = 'npm install --save-dev cdk-nag-serverless-anti-patterns';
const USAGE = `import { App, Validations } from 'aws-cdk-lib';
import { ServerlessAntiPatternChecks } from 'cdk-nag-serverless-anti-patterns';

const app = new App();
// ... your stacks ...
Validations.of(app).addPlugins(new ServerlessAntiPatternChecks(app));`;
const CLI = 'npx cdk synth && npx cdk-nag-serverless-anti-patterns cdk.out';

export default function AboutPage() {
  const { antiPatterns } = byKind(getCatalog().patterns);
  return (
    <>
      <PageHeader eyebrow="About" title="Why this catalog exists" />
      <div className="prose prose-slate max-w-3xl dark:prose-invert">
        <p>
          Architecture diagrams are cheap; working infrastructure is not. This site collects serverless patterns for AWS
          and keeps each one honest: the page you read sits next to the AWS CDK app that builds it, and every build of the
          site synthesizes that app without an AWS account, runs its tests and checks it with the cdk-nag AwsSolutions and
          Serverless rule packs. A pattern that stops compiling, synthesizing or passing its checks stops the site from
          being published.
        </p>
        <h2>What each pattern gives you</h2>
        <ul>
          <li>The problem it solves, how it works, when to reach for it and when not to, and what it costs.</li>
          <li>A mapping to the questions and best practices of the AWS Well-Architected Serverless Lens, with reasons.</li>
          <li>The complete CDK source, its tests and the CloudFormation it synthesizes, with a count of resources.</li>
        </ul>
        <h2>Where the patterns come from</h2>
        <p>
          Many patterns revisit the ideas collected by the community project cdkpatterns.com and the people credited on
          each page. The code and the words here are new: written for CDK v2, current Lambda runtimes and today&apos;s
          service features.
        </p>
        <h2 id="rule-pack">The anti-pattern rule pack</h2>
        <p>
          <code>cdk-nag-serverless-anti-patterns</code> is a cdk-nag rule pack kept in this repository. It flags the
          anti-patterns this catalog teaches, in any CDK app, and stays silent on their fixes. Every build runs it over every
          pattern here too: a pattern that trips a rule is fixed or says why, and its page shows the result under
          “Automated review”.
        </p>
        <pre tabIndex={0}><code>{INSTALL}</code></pre>
        <p>In a TypeScript app, register it beside cdk-nag&apos;s own packs:</p>
        <pre tabIndex={0}><code>{USAGE}</code></pre>
        <p>From any language (Python, Java, C#, Go), check the synthesized templates:</p>
        <pre tabIndex={0}><code>{CLI}</code></pre>
        <p>Its rules, each explained on its page:</p>
        <ul data-rule-list>
          {antiPatterns.map((p) => (
            <li key={p.slug}>
              <code>{ruleId(p.antiPattern?.rule ?? '')}</code>: <Link href={`/patterns/${p.slug}/`}>{p.title}</Link>
            </li>
          ))}
        </ul>
        <h2>Contributing</h2>
        <p>
          A pattern is one folder under <code>content/patterns/</code>: an <code>index.mdx</code> page and a{' '}
          <code>typescript/</code> CDK app. Indexes, component pages and the Well-Architected view follow from its frontmatter. See
          the <a href={siteConfig.repository.url}>repository</a> for the authoring guide.
        </p>
        <p>
          <Link href="/patterns/">Browse the patterns</Link> or{' '}
          <Link href="/well-architected/">start from a Well-Architected question</Link>.
        </p>
      </div>
    </>
  );
}
