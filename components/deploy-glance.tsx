import type { ReactNode } from 'react';
import type { RegionFit } from '@/lib/content/regions';
import { deployGlance, usd } from '@/lib/deploy-glance';
import type { DeployFacts } from '@/lib/proof/deploy-facts';

function Fact({ name, term, children }: { name: string; term: string; children: ReactNode }) {
  return (
    <div data-glance={name} className="rounded-lg bg-slate-50 px-3 py-2 dark:bg-slate-900">
      <dt className="text-xs font-medium uppercase tracking-wide text-slate-600 dark:text-slate-400">{term}</dt>
      <dd className="mt-1 font-semibold">{children}</dd>
    </div>
  );
}

/** "Before you deploy" in four figures, above the body; the full section further down says why. */
export function DeployAtAGlance({ facts, regions }: { facts: DeployFacts; regions?: RegionFit }) {
  const glance = deployGlance(facts, regions);
  const { needs } = glance;
  const needed = ['a bootstrapped account', needs.docker && 'Docker', needs.apiGatewayLogsRole && 'the API Gateway logs role'].filter(Boolean).join(', ');
  return (
    <section aria-labelledby="glance-heading" data-deploy-glance className="mt-8 rounded-xl border border-slate-200 p-4 dark:border-slate-800">
      <div className="mb-3 flex flex-wrap items-baseline justify-between gap-x-4">
        <h2 id="glance-heading" className="text-base font-semibold">Before you deploy, at a glance</h2>
        <a href="#before-you-deploy" className="inline-flex min-h-11 items-center text-sm font-medium text-orange-700 hover:underline dark:text-orange-300">
          Why, and the details ↓
        </a>
      </div>
      <dl className="grid gap-2 text-sm sm:grid-cols-2 lg:grid-cols-4">
        <Fact name="idle" term="Idle cost">
          <span data-idle-usd={glance.idle.usd.toFixed(2)}>
            {facts.idle.length === 0 ? 'Nothing by the hour' : `About ${usd(glance.idle.usd)}${glance.idle.openEnded ? ' or more' : ''} a month`}
          </span>
        </Fact>
        <Fact name="quotas" term="Account quotas">
          {glance.quotas === 0 ? 'Fits a fresh account' : `${glance.quotas} near a default quota`}
        </Fact>
        {glance.regions && (
          <Fact name="regions" term="Regions">
            {glance.regions.deploys === glance.regions.of ? `All ${glance.regions.of} commercial Regions` : `${glance.regions.deploys} of ${glance.regions.of} commercial Regions`}
          </Fact>
        )}
        <Fact name="needs" term="Deploying needs">
          <span className="font-normal">
            {needed[0]!.toUpperCase() + needed.slice(1)}
            {needs.alarms > 0 && `; ${needs.alarms} alarm${needs.alarms > 1 ? 's' : ''} to an e-mail you choose`}
          </span>
        </Fact>
      </dl>
    </section>
  );
}
