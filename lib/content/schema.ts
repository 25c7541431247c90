import { z } from 'zod';

/** Lower-case words joined by single hyphens: the form of every id and slug. */
export const kebabId = z
  .string()
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'expected a kebab-case id such as "dynamodb"');

const url = z.url({ protocol: /^https?$/, error: 'expected an absolute http(s) URL' });

/** "REL 2.1": pillar code, question number, practice number. */
export const practiceId = z
  .string()
  .regex(/^[A-Z]{2,4} \d+\.\d+$/, 'expected a practice id such as "REL 2.1"');
/** "SEC 1": pillar code and question number. */
export const questionId = z
  .string()
  .regex(/^[A-Z]{2,4} \d+$/, 'expected a question id such as "SEC 1"');

const isoDate = z
  .union([
    // YAML turns an unquoted 2026-11-22 into a Date; accept both spellings.
    z.date().transform((d) => d.toISOString().slice(0, 10)),
    z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date written YYYY-MM-DD'),
  ])
  .refine((s) => !Number.isNaN(Date.parse(s)), 'expected a real calendar date');

const oneSentence = z
  .string()
  .trim()
  .min(20, 'expected one sentence of at least 20 characters')
  .max(240, 'expected one sentence of at most 240 characters')
  .refine((s) => /[.!?]$/.test(s), 'expected the sentence to end with a full stop')
  .refine((s) => !/[.!?]\s+[A-Z]/.test(s), 'expected a single sentence, found several');

export const personLinkSchema = z.strictObject({
  label: z.string().min(1),
  url,
});

export const creatorSchema = z.strictObject({
  name: z.string().min(1),
  links: z.array(personLinkSchema).default([]),
});

export const creditSchema = z.strictObject({
  name: z.string().min(1),
  role: z.string().min(1),
  url: url.optional(),
});

export const linkKinds = ['article', 'video', 'talk', 'docs'] as const;
export const linkSchema = z.strictObject({
  title: z.string().min(1),
  url,
  kind: z.enum(linkKinds),
  author: z.string().min(1).optional(),
});

export const wellArchitectedEntrySchema = z.union(
  [
    z.strictObject({ practice: practiceId, reason: z.string().min(20) }),
    z.strictObject({ question: questionId, reason: z.string().min(20) }),
  ],
  { error: 'expected { practice: "REL 2.1", reason } or { question: "SEC 1", reason }' },
);

/** A test that proves a guarantee: a file of the pattern's app and the exact name of one test in it. */
export const guaranteeTestSchema = z.strictObject({
  file: z.string().regex(/^(typescript|python)\/.+\.(test\.ts|py)$/, 'expected a test file of the app, such as "typescript/test/orders.test.ts"'),
  name: z.string().min(3),
});

export const guaranteeSchema = z.strictObject({
  claim: oneSentence,
  tests: z.array(guaranteeTestSchema).min(1, 'expected at least one test that proves the claim'),
});

/** A resource billed while idle that the stack neither stops nor guards with a budget, and why. */
export const idleCostSchema = z.strictObject({
  construct: z.string().regex(/^[A-Za-z][A-Za-z0-9-]*$/, 'expected a construct id from the stack, such as "Database"'),
  why: z.string().trim().min(40, 'expected a plain reason of at least 40 characters'),
});

/** What an anti-pattern page adds: the rule that catches it, its two stacks and the patterns to use instead. */
export const antiPatternSchema = z.strictObject({
  /** A rule of the catalog's pack: "LambdaChaining" is reported as "AntiPattern-LambdaChaining". */
  rule: z.string().regex(/^[A-Z][A-Za-z]+$/, 'expected a rule id of the anti-pattern pack, such as "LambdaChaining"'),
  /** The anti-pattern's stack id: synthesized and tested, never deployed by default. */
  before: z.string().regex(/^[A-Za-z][A-Za-z0-9-]*$/, 'expected the stack id of the anti-pattern, such as "ChainedOrdersStack"'),
  /** The fix's stack id: deploy-ready like every pattern. */
  after: z.string().regex(/^[A-Za-z][A-Za-z0-9-]*$/, 'expected the stack id of the fix, such as "OrdersWorkflowStack"'),
  /** Catalog patterns that do it right. */
  insteadUse: z.array(kebabId).min(1, 'expected at least one pattern slug to use instead'),
});

export const kinds = ['pattern', 'anti-pattern'] as const;

export const languages = ['typescript', 'python', 'java', 'csharp', 'go'] as const;
export const levels = ['beginner', 'intermediate', 'advanced'] as const;

export const frontmatterSchema = z.strictObject({
  title: z.string().trim().min(3).max(80),
  summary: oneSentence,
  components: z.array(kebabId).min(1, 'expected at least one component id'),
  wellArchitected: z.array(wellArchitectedEntrySchema).min(1, 'expected at least one mapping'),
  languages: z.array(z.enum(languages)).min(1),
  level: z.enum(levels),
  creators: z.array(creatorSchema).min(1, 'expected at least one creator'),
  credits: z.array(creditSchema).default([]),
  links: z.array(linkSchema).default([]),
  added: isoDate,
  updated: isoDate.optional(),
  /** Behavioural promises the page makes, each proven by named tests that must pass in the build. */
  guarantees: z.array(guaranteeSchema).min(1, 'expected at least one guarantee with the test that proves it'),
  idleCosts: z.array(idleCostSchema).default([]),
  kind: z.enum(kinds).default('pattern'),
  antiPattern: antiPatternSchema.optional(),
  /** Where the idea first appeared, when the pattern is a rewrite of an older one. */
  original: z.strictObject({ title: z.string().min(1), url }).optional(),
});

export type Frontmatter = z.infer<typeof frontmatterSchema>;
export type AntiPattern = z.infer<typeof antiPatternSchema>;
export type WellArchitectedEntry = z.infer<typeof wellArchitectedEntrySchema>;

/** A file of the aws-icons package: a 64×64 service tile or a 48×48 resource glyph. */
export const awsIconRef = z
  .string()
  .regex(/^(architecture-service|resource)\/[A-Za-z0-9]+$/, 'expected an aws-icons file such as "architecture-service/AWSLambda" or "resource/Client" (no .svg)');

export const componentRegistrySchema = z.strictObject({
  groups: z.array(z.strictObject({ id: kebabId, name: z.string().min(1) })).min(1),
  components: z
    .array(
      z.strictObject({
        id: kebabId,
        name: z.string().min(1),
        group: kebabId,
        /** The aws-icons file (without .svg) the site shows for it, in diagrams and on cards. */
        icon: awsIconRef,
        service: z.string().min(1),
        aliases: z.array(z.string().min(1)),
        cloudFormationTypes: z.array(z.string().regex(/^[A-Za-z0-9]+::[A-Za-z0-9]+::[A-Za-z0-9]+$/)),
        iamActions: z.array(z.string().regex(/^[a-z0-9-]+:[A-Za-z*]+$/)),
        /** npm packages that evidence a framework or library (a trailing "/" matches a scope). */
        packages: z.array(z.string().min(1)).default([]),
        /** Components this one deploys inside itself, e.g. a SAR application's state machine. */
        includes: z.array(kebabId).default([]),
        onOriginalSite: z.boolean(),
      }),
    )
    .min(1),
});
export type ComponentRegistry = z.infer<typeof componentRegistrySchema>;
export type Component = ComponentRegistry['components'][number];

export const lensSchema = z.strictObject({
  lens: z.string().min(1),
  pillars: z
    .array(
      z.strictObject({
        id: kebabId,
        code: z.string().regex(/^[A-Z]{2,4}$/),
        name: z.string().min(1),
        summary: z.string().min(1),
        questions: z.array(
          z.strictObject({
            id: questionId,
            title: z.string().min(1),
            question: z.string().min(1),
            practices: z.array(
              z.strictObject({ id: practiceId, title: z.string().min(1), summary: z.string().min(1) }),
            ),
          }),
        ),
      }),
    )
    .min(1),
});
export type Lens = z.infer<typeof lensSchema>;
export type Pillar = Lens['pillars'][number];
export type Question = Pillar['questions'][number];
export type Practice = Question['practices'][number];
