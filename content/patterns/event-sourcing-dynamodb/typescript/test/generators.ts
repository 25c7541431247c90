import type { AccountCommand } from '../lambda/domain';

/** A small seeded generator, so a failing sequence can be reproduced from its seed. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomCommand(random: () => number): AccountCommand {
  const r = random();
  const amount = 1 + Math.floor(random() * 400);
  if (r < 0.05) return { type: 'open', owner: 'Ana', initialDeposit: amount };
  return r < 0.55 ? { type: 'deposit', amount } : { type: 'withdraw', amount };
}
