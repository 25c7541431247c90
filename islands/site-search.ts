import { hydrateOnInteraction } from '@/lib/islands/enhance';

// The combobox, Preact and the search code load on first use; every page pays only for this line.
hydrateOnInteraction('site-search', () => import('./lazy/site-search'));
