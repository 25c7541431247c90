/**
 * Just enough of the Amazon States Language to test this pattern offline: the definition as
 * CloudFormation will hand it to Step Functions, and the Choice rules this workflow uses.
 */
import type { Template } from 'aws-cdk-lib/assertions';

export type States = Record<string, Record<string, any>>;
export interface Definition {
  StartAt: string;
  States: States;
  TimeoutSeconds?: number;
}

/** Parses the state machine's DefinitionString, writing each CloudFormation token as <Ref:X> or <X.Arn>. */
export function definitionOf(template: Template): Definition {
  const machines = Object.values(template.findResources('AWS::StepFunctions::StateMachine'));
  if (machines.length !== 1) throw new Error(`expected one state machine, found ${machines.length}`);
  const body = machines[0]!.Properties.DefinitionString as string | { 'Fn::Join': [string, unknown[]] };
  const text =
    typeof body === 'string'
      ? body
      : body['Fn::Join'][1]
          .map((part) => {
            if (typeof part === 'string') return part;
            const token = part as { Ref?: string; 'Fn::GetAtt'?: [string, string] };
            if (token.Ref) return `<Ref:${token.Ref}>`;
            if (token['Fn::GetAtt']) return `<${token['Fn::GetAtt'].join('.')}>`;
            throw new Error(`unexpected token ${JSON.stringify(part)}`);
          })
          .join('');
  return JSON.parse(text) as Definition;
}

/** The value a reference path ($.a.b[0]) selects, or undefined when any step is missing. */
export function select(input: unknown, path: string): unknown {
  if (!path.startsWith('$')) throw new Error(`not a reference path: ${path}`);
  let value: unknown = input;
  for (const [, name, index] of path.slice(1).matchAll(/\.([A-Za-z_][\w]*)|\[(\d+)\]/g)) {
    if (name !== undefined) {
      value = typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>)[name] : undefined;
    } else {
      value = Array.isArray(value) ? value[Number(index)] : undefined;
    }
    if (value === undefined) return undefined;
  }
  return value;
}

/** StringMatches: `*` matches any run of characters, `\*` a literal star. */
function wildcard(pattern: string): RegExp {
  const parts = pattern.split(/(\\\*|\*)/).map((p) => (p === '*' ? '.*' : p === '\\*' ? '\\*' : p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')));
  return new RegExp(`^${parts.join('')}$`, 's');
}

/**
 * Whether one Choice rule matches. Like Step Functions, comparing a field that is missing or of
 * another type is an error (States.Runtime), not a quiet false: a rule order that relies on it fails here.
 */
export function matches(rule: Record<string, any>, input: unknown): boolean {
  if (rule.And) return (rule.And as Record<string, any>[]).every((r) => matches(r, input));
  if (rule.Or) return (rule.Or as Record<string, any>[]).some((r) => matches(r, input));
  if (rule.Not) return !matches(rule.Not, input);
  const value = select(input, rule.Variable as string);
  if ('IsPresent' in rule) return (value !== undefined) === rule.IsPresent;
  if (value === undefined) throw new Error(`States.Runtime: ${rule.Variable} is not present`);
  if ('IsString' in rule) return (typeof value === 'string') === rule.IsString;
  if ('StringMatches' in rule) {
    if (typeof value !== 'string') throw new Error(`States.Runtime: ${rule.Variable} is not a string`);
    return wildcard(rule.StringMatches as string).test(value);
  }
  throw new Error(`operator not modelled here: ${JSON.stringify(rule)}`);
}

/** The state a Choice state moves to for this input. */
export function choose(state: Record<string, any>, input: unknown): string {
  if (state.Type !== 'Choice') throw new Error(`not a Choice state: ${state.Type}`);
  for (const rule of state.Choices as Record<string, any>[]) if (matches(rule, input)) return rule.Next as string;
  if (!state.Default) throw new Error('States.NoChoiceMatched');
  return state.Default as string;
}
