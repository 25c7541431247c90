import Link from 'next/link';
import { lensAnchor, type ResolvedMapping } from '@/lib/indexes';

/** Pillar → question → practice, each with the author's reason, linked to the lens page. */
export function WaMapping({ mappings }: { mappings: readonly ResolvedMapping[] }) {
  const pillars = [...new Map(mappings.map((m) => [m.pillar.id, m.pillar])).values()];
  return (
    <div className="space-y-6">
      {pillars.map((pillar) => (
        <section key={pillar.id}>
          <h3 id={`wa-${pillar.id}`} className="font-semibold">
            <Link href={`/well-architected/#${pillar.id}`} className="hover:text-orange-700 dark:hover:text-orange-300">
              {pillar.name}
            </Link>
          </h3>
          <ul className="mt-2 space-y-3">
            {mappings
              .filter((m) => m.pillar.id === pillar.id)
              .map((m) => {
                const id = m.practice?.id ?? m.question.id;
                return (
                  <li key={id} className="rounded-lg border border-slate-200 p-4 dark:border-slate-800" data-wa={id}>
                    <p className="text-sm text-slate-500 dark:text-slate-400">
                      <Link href={`/well-architected/#${lensAnchor(m.question.id)}`} className="hover:underline">
                        {m.question.id} · {m.question.question}
                      </Link>
                    </p>
                    {m.practice && (
                      <p className="mt-1 font-medium">
                        <Link href={`/well-architected/#${lensAnchor(m.practice.id)}`} className="hover:underline">
                          {m.practice.id} {m.practice.title}
                        </Link>
                      </p>
                    )}
                    <p className="mt-2 text-sm">{m.reason}</p>
                  </li>
                );
              })}
          </ul>
        </section>
      ))}
    </div>
  );
}

