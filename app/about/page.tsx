import type { Metadata } from 'next';
import Link from 'next/link';
import { PageHeader } from '@/components/page-header';
import { siteConfig } from '@/lib/site-config';

export const metadata: Metadata = { title: 'About' };

export default function AboutPage() {
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
