import { ArchitectureDiagram } from '@/components/architecture-diagram';
import type { Diagram } from '@/lib/content';

/**
 * The architecture, right under the title: readers take in the picture before the prose. An
 * anti-pattern's before and after sit side by side on wide screens, so the fix reads as a change.
 */
export function LeadDiagrams({ diagrams }: { diagrams: readonly Diagram[] }) {
  if (diagrams.length === 1) return <div data-lead-diagrams>{<ArchitectureDiagram diagram={diagrams[0]!} />}</div>;
  return (
    <div data-lead-diagrams className="grid gap-x-8 lg:grid-cols-2 [&_figure]:max-w-full lg:[&_figure]:w-auto">
      {diagrams.map((d) => (
        <ArchitectureDiagram key={d.hash} diagram={d} />
      ))}
    </div>
  );
}
