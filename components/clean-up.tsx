import type { DeployFacts } from '@/lib/proof/deploy-facts';

/** The destroy command and what it leaves behind, read from the synthesized templates. */
export function CleanUp({ facts, slug }: { facts: DeployFacts; slug: string }) {
  const place = (path: string) => path.split('/').slice(1, -1).join('/') || path;
  return (
    <div className="space-y-4 text-sm">
      <p>From the app&apos;s folder (<code>content/patterns/{slug}/typescript</code>), remove every stack it deployed:</p>
      <pre className="overflow-x-auto rounded-lg bg-slate-900 p-3 text-slate-100" tabIndex={0}><code>{`npx cdk destroy ${facts.stacks.length > 1 ? '--all' : facts.stacks[0]}`}</code></pre>
      {facts.blockers.length > 0 && (
        <div data-blockers={facts.blockers.length}>
          <p className="font-semibold">Before you run it:</p>
          <ul className="mt-1 list-disc space-y-1 pl-5">
            {facts.blockers.map((b) => <li key={b.path + b.what}><span className="font-mono text-xs">{place(b.path)}</span> ({b.type}) {b.what}.</li>)}
          </ul>
        </div>
      )}
      <div data-leftovers={facts.leftovers.length}>
        <p className="font-semibold">What stays afterwards{facts.leftovers.length === 0 ? ': nothing of this stack.' : ', to delete by hand if you want it gone:'}</p>
        {facts.leftovers.length > 0 && (
          <ul className="mt-1 list-disc space-y-1 pl-5">
            {facts.leftovers.map((l) => <li key={l.path + l.what}><span className="font-mono text-xs">{place(l.path)}</span> ({l.type}): {l.what}.</li>)}
          </ul>
        )}
      </div>
      {facts.usesAssets && (
        <p>
          The assets <code>cdk deploy</code> uploaded stay in the CDK bootstrap bucket{facts.needsDocker ? ' and container repository' : ''} (<code>cdk-hnb659fds-…</code>), shared by every CDK app in the account and Region; <code>npx cdk gc --unstable=gc</code> (still marked unstable) removes the ones no deployed stack uses.
        </p>
      )}
    </div>
  );
}
