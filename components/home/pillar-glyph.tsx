// Pillars have no AWS architecture icon, so each gets a small glyph of its own. Always beside
// the pillar's name, so hidden from assistive technology.
const paths: Record<string, string> = {
  // A gauge: running and watching the workload.
  'operational-excellence': 'M4 16a8 8 0 1 1 16 0M12 16l4-5M7 16h.01M17 16h.01',
  // A shield with a tick.
  security: 'M12 3l7 3v5c0 4.5-3 8.3-7 10-4-1.7-7-5.5-7-10V6l7-3ZM9 12l2 2 4-4',
  // Two arrows chasing each other: recovery.
  reliability: 'M20 12a8 8 0 0 1-14 5.3M4 12a8 8 0 0 1 14-5.3M18 3v4h-4M6 21v-4h4',
  // A bolt.
  'performance-efficiency': 'M13 2 4 14h7l-1 8 9-12h-7l1-8Z',
  // A coin.
  'cost-optimization': 'M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18ZM15 9.5c-.5-1-1.6-1.5-3-1.5-1.7 0-3 .8-3 2s1.3 1.7 3 2 3 .8 3 2-1.3 2-3 2c-1.4 0-2.5-.5-3-1.5M12 6.5v11',
  // A leaf.
  sustainability: 'M5 19c0-8 5-14 15-14 0 10-6 15-14 15M5 19l7-7',
};

export function PillarGlyph({ id, className = 'h-6 w-6' }: { id: string; className?: string }) {
  return (
    <svg aria-hidden="true" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={1.75} strokeLinecap="round" strokeLinejoin="round" className={className} data-pillar-glyph={id}>
      <path d={paths[id] ?? 'M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18Z'} />
    </svg>
  );
}
