// The arithmetic and parsing behind the UI, as plain functions that tests can call directly.

export type Route = 'splitter' | 'about' | 'not-found';

const routes: Record<string, Route> = { '/': 'splitter', '/about': 'about' };

/** Maps a browser path to a view; case and trailing slashes do not make a different page. */
export function routeFor(pathname: string): Route {
  const clean = pathname.trim().toLowerCase().replace(/\/+$/, '') || '/';
  return routes[clean] ?? 'not-found';
}

export const MAX_AMOUNT_CENTS = 100_000_00;
export const MAX_PEOPLE = 50;

/** "84.5", "84.50" or "1,084.50" to whole cents; undefined for anything else, including zero. */
export function parseAmount(text: string): number | undefined {
  const match = /^(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!match) return undefined;
  // Integer cents from the start: 0.1 + 0.2 style float errors never reach the split.
  const cents = Number(match[1].replaceAll(',', '')) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
  return cents > 0 && cents <= MAX_AMOUNT_CENTS ? cents : undefined;
}

export function parsePeople(text: string): number | undefined {
  if (!/^\d+$/.test(text.trim())) return undefined;
  const people = Number(text);
  return people >= 1 && people <= MAX_PEOPLE ? people : undefined;
}

export interface Split {
  tipCents: number;
  totalCents: number;
  /** One entry per person, in cents; they always add up to totalCents. */
  shares: number[];
}

export function splitBill(amountCents: number, tipPercent: number, people: number): Split {
  const tipCents = Math.round((amountCents * tipPercent) / 100);
  const totalCents = amountCents + tipCents;
  const base = Math.floor(totalCents / people);
  const leftover = totalCents - base * people;
  // The odd cents go to the first people in the list, so nobody pays more than one cent extra.
  const shares = Array.from({ length: people }, (_, i) => base + (i < leftover ? 1 : 0));
  return { tipCents, totalCents, shares };
}

const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });

export function formatCents(cents: number): string {
  return usd.format(cents / 100);
}
