import { ArchitectureDiagram } from '@/components/architecture-diagram';
import type { Diagram } from '@/lib/content';

/** The generated twin of the authored diagram: collapsed, since it is proof rather than story. */
export function AsBuilt({ diagram, relations }: { diagram: Diagram; relations: number }) {
  return (
    <details className="rounded-xl border border-slate-200 p-4 dark:border-slate-800" data-as-built>
      <summary className="cursor-pointer font-medium">
        Show the resource graph derived from the synthesized template ({relations} relations)
      </summary>
      <p className="mt-3 max-w-3xl text-sm text-slate-600 dark:text-slate-400">
        Drawn by the build from the CloudFormation the CDK app produces: integrations, event source mappings, subscriptions, rule
        targets, destinations and IAM grants. The diagram above is checked against the same template, so the two cannot drift apart.
      </p>
      <ArchitectureDiagram diagram={diagram} />
    </details>
  );
}
