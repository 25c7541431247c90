import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import type { ReactNode } from 'react';
import { ComponentChips } from '@/components/component-chip';
import { compileBody } from '@/components/mdx-body';
import { DeployAtAGlance } from '@/components/deploy-glance';
import { LeadDiagrams } from '@/components/lead-diagrams';
import { OnThisPage } from '@/components/on-this-page';
import { PatternCredits } from '@/components/pattern-credits';
import { PatternSource } from '@/components/pattern-source';
import { PatternTemplate } from '@/components/pattern-template';
import { WaMapping } from '@/components/wa-mapping';
import { AsBuilt } from '@/components/as-built';
import { PatternReview } from '@/components/pattern-review';
import { BeforeYouDeploy } from '@/components/before-you-deploy';
import { CleanUp } from '@/components/clean-up';
import { PatternGuarantees } from '@/components/pattern-guarantees';
import { AntiPatternNotice } from '@/components/anti-pattern-notice';
import { KindBadge } from '@/components/kind-badge';
import { RulePackReview } from '@/components/rule-pack-review';
import { getAsBuiltDiagram, getCatalog, getCdkLibVersion, getDeployFacts, getPattern, getRegionFit, getRulePackResult, getSynthOutput, getVerifiedDate } from '@/lib/content';
import { patternMappings, resolveComponents } from '@/lib/indexes';
import { PAGE_SECTIONS, leadDiagrams, pageOutline } from '@/lib/page-outline';
import { pageMetadata } from '@/lib/page-meta';

type Props = { params: Promise<{ slug: string }> };

const LANGUAGE_NAMES: Record<string, string> = { typescript: 'TypeScript', python: 'Python', java: 'Java', csharp: 'C#', go: 'Go' };
const languageList = (languages: readonly string[]) => languages.map((l) => LANGUAGE_NAMES[l] ?? l).join(' and ');

export function generateStaticParams() {
  return getCatalog().patterns.map((p) => ({ slug: p.slug }));
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const pattern = getPattern((await params).slug);
  return pattern ? pageMetadata({ title: pattern.title, description: pattern.summary, path: `/patterns/${pattern.slug}/`, pattern: pattern.slug }) : {};
}

function Section({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section id={id} aria-labelledby={`${id}-heading`} className="mt-16">
      <h2 id={`${id}-heading`} className="mb-6 border-b border-slate-200 pb-2 text-2xl font-semibold tracking-tight dark:border-slate-800">
        {title}
      </h2>
      {children}
    </section>
  );
}

export default async function PatternPage({ params }: Props) {
  const pattern = getPattern((await params).slug);
  if (!pattern) notFound();
  const catalog = getCatalog();
  const synth = getSynthOutput(pattern);
  const asBuilt = getAsBuiltDiagram(pattern);
  const facts = getDeployFacts(pattern);
  const regions = getRegionFit(pattern);
  const lead = leadDiagrams(pattern);
  const { body, headings } = await compileBody(pattern, new Set(lead.map((d) => d.hash)));
  const title = (id: (typeof PAGE_SECTIONS)[number]['id']) => PAGE_SECTIONS.find((s) => s.id === id)!.title;

  return (
    <article>
      <header className="max-w-3xl">
        <p className="mb-2 text-sm font-semibold uppercase tracking-wide text-orange-700 dark:text-orange-400">
          {pattern.kind === 'anti-pattern' ? 'Anti-pattern' : 'Pattern'} · {pattern.level}
        </p>
        <KindBadge kind={pattern.kind} />
        <h1 className="text-3xl font-bold tracking-tight sm:text-4xl">{pattern.title}</h1>
        <p className="mt-4 text-lg text-slate-600 dark:text-slate-400">{pattern.summary}</p>
        <AntiPatternNotice catalog={catalog} pattern={pattern} />
        <div className="mt-4">
          <ComponentChips components={resolveComponents(catalog, pattern.components)} />
        </div>
        <p className="mt-4 text-sm text-slate-500 dark:text-slate-400">
          CDK in {languageList(pattern.languages)} · added {pattern.added}
          {pattern.updated && ` · updated ${pattern.updated}`}
        </p>
        <p className="mt-1 text-sm font-medium text-emerald-800 dark:text-emerald-300" data-verified>
          Verified with aws-cdk-lib {getCdkLibVersion()} on {getVerifiedDate(pattern)}: the {languageList(pattern.languages)}{' '}
          {pattern.languages.length > 1 ? 'apps' : 'app'} synthesized{pattern.languages.length > 1 ? ' to the same architecture' : ''}, checked
          against the diagram, linted by cfn-lint, reviewed by cdk-nag and tested in this site&apos;s build.
        </p>
      </header>

      <LeadDiagrams diagrams={lead} />
      <DeployAtAGlance facts={facts} regions={regions} />

      {/* Below lg the outline comes first, collapsed; from lg up it is a sticky column beside the content. */}
      <div className="lg:mt-10 lg:grid lg:grid-cols-[minmax(0,1fr)_14rem] lg:gap-x-10">
        <OnThisPage entries={pageOutline(headings)} />
        {/* A diagram drawn further down (as built) keeps to this column rather than its usual full width. */}
        <div className="min-w-0 lg:col-start-1 lg:row-start-1 [&_figure[data-diagram]]:max-w-full lg:[&_figure[data-diagram]]:w-auto">
          <div className="mt-10 max-w-3xl lg:mt-0">{body}</div>
          <Section id="guarantees" title={title('guarantees')}>
            <PatternGuarantees pattern={pattern} />
          </Section>
          <Section id="before-you-deploy" title={title('before-you-deploy')}>
            <BeforeYouDeploy facts={facts} regions={regions} idleReasons={pattern.idleCosts} />
          </Section>
          <Section id="clean-up" title={title('clean-up')}>
            <CleanUp facts={facts} slug={pattern.slug} />
          </Section>
          <Section id="mapping" title={title('mapping')}>
            <WaMapping mappings={patternMappings(catalog, pattern)} />
          </Section>
          <Section id="review" title={title('review')}>
            <PatternReview catalog={catalog} pattern={pattern} synth={synth} />
            <RulePackReview pattern={pattern} result={getRulePackResult(pattern)} />
          </Section>
          <Section id="as-built" title={title('as-built')}>
            <AsBuilt diagram={asBuilt} relations={asBuilt.graph.edges.length} />
          </Section>
          <Section id="creators" title={title('creators')}>
            <PatternCredits pattern={pattern} />
          </Section>
          <Section id="source" title={title('source')}>
            <PatternSource pattern={pattern} />
          </Section>
          <Section id="template" title={title('template')}>
            <PatternTemplate synth={synth} />
          </Section>
        </div>
      </div>
    </article>
  );
}
