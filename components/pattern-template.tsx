import { CopyButton } from '@/components/copy-button';
import type { SynthOutput } from '@/lib/content';
import { resourceCounts } from '@/lib/indexes';
import { Island } from '@/components/island';

/** The synthesized CloudFormation: a count by resource type, then the full template on demand. */
export function PatternTemplate({ synth }: { synth: SynthOutput }) {
  const counts = resourceCounts(synth.stacks.map((s) => s.template));
  const total = counts.reduce((n, c) => n + c.count, 0);
  return (
    <div className="space-y-4">
      <table className="w-full max-w-xl text-left text-sm" aria-label="Resources by type">
        <thead>
          <tr className="border-b border-slate-200 dark:border-slate-800">
            <th scope="col" className="py-1.5 font-semibold">Resource type</th>
            <th scope="col" className="py-1.5 text-right font-semibold">Count</th>
          </tr>
        </thead>
        <tbody>
          {counts.map(({ type, count }) => (
            <tr key={type} className="border-b border-slate-100 dark:border-slate-900" data-resource-type={type}>
              <td className="py-1 font-mono text-xs">{type}</td>
              <td className="py-1 text-right tabular-nums">{count}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row" className="py-1.5 font-semibold">Total</th>
            <td className="py-1.5 text-right font-semibold tabular-nums" data-resource-total>
              {total}
            </td>
          </tr>
        </tfoot>
      </table>
      {synth.stacks.map((stack) => {
        const id = `template-${stack.name}`;
        return (
          // One template open at a time: each runs to thousands of lines.
          <details key={stack.name} name="templates" className="rounded-lg border border-slate-200 dark:border-slate-800">
            <summary className="cursor-pointer px-3 py-3 text-sm font-medium">{stack.name}.template.json</summary>
            <div className="flex justify-end px-3">
              <Island name="copy-button" component={CopyButton} props={{ targetId: id, label: 'Copy template' }} />
            </div>
            <pre id={id} tabIndex={0} role="region" aria-label={`${stack.name} CloudFormation template`} className="max-h-[32rem] overflow-auto p-3 text-xs">
              {JSON.stringify(stack.template, null, 2)}
            </pre>
          </details>
        );
      })}
    </div>
  );
}
