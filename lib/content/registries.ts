import { ContentError, zodProblems } from './errors';
import {
  componentRegistrySchema,
  lensSchema,
  type Component,
  type ComponentRegistry,
  type Lens,
  type Pillar,
  type Practice,
  type Question,
} from './schema';

/** Validates the component registry, including what zod cannot see: unique ids, known groups. */
export function parseComponentRegistry(file: string, data: unknown): ComponentRegistry {
  const parsed = componentRegistrySchema.safeParse(data);
  if (!parsed.success) throw new ContentError(file, zodProblems(parsed.error));
  const registry = parsed.data;
  const problems: { field: string; expected: string }[] = [];
  const groupIds = new Set(registry.groups.map((g) => g.id));
  const seen = new Set<string>();
  registry.components.forEach((c, i) => {
    if (seen.has(c.id)) problems.push({ field: `components[${i}].id`, expected: `a unique id; "${c.id}" is used twice` });
    seen.add(c.id);
    if (!groupIds.has(c.group)) {
      problems.push({ field: `components[${i}].group`, expected: `one of the group ids (${[...groupIds].join(', ')}); got "${c.group}"` });
    }
  });
  if (problems.length) throw new ContentError(file, problems);
  return registry;
}

/** Validates the lens: question ids must carry their pillar's code, practice ids their question's. */
export function parseLens(file: string, data: unknown): Lens {
  const parsed = lensSchema.safeParse(data);
  if (!parsed.success) throw new ContentError(file, zodProblems(parsed.error));
  const lens = parsed.data;
  const problems: { field: string; expected: string }[] = [];
  lens.pillars.forEach((p, pi) =>
    p.questions.forEach((q, qi) => {
      if (!q.id.startsWith(`${p.code} `)) {
        problems.push({ field: `pillars[${pi}].questions[${qi}].id`, expected: `an id starting with "${p.code} "; got "${q.id}"` });
      }
      q.practices.forEach((pr, ri) => {
        if (pr.id !== `${q.id}.${ri + 1}`) {
          problems.push({
            field: `pillars[${pi}].questions[${qi}].practices[${ri}].id`,
            expected: `"${q.id}.${ri + 1}" (practices are numbered in order); got "${pr.id}"`,
          });
        }
      });
    }),
  );
  if (problems.length) throw new ContentError(file, problems);
  return lens;
}

export type LensLookup = {
  question: (id: string) => { pillar: Pillar; question: Question } | undefined;
  practice: (id: string) => { pillar: Pillar; question: Question; practice: Practice } | undefined;
};

export function lensLookup(lens: Lens): LensLookup {
  const questions = new Map<string, { pillar: Pillar; question: Question }>();
  const practices = new Map<string, { pillar: Pillar; question: Question; practice: Practice }>();
  for (const pillar of lens.pillars) {
    for (const question of pillar.questions) {
      questions.set(question.id, { pillar, question });
      for (const practice of question.practices) practices.set(practice.id, { pillar, question, practice });
    }
  }
  return { question: (id) => questions.get(id), practice: (id) => practices.get(id) };
}

export function componentById(registry: ComponentRegistry): Map<string, Component> {
  return new Map(registry.components.map((c) => [c.id, c]));
}
