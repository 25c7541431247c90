import type { Template } from 'aws-cdk-lib/assertions';

export type State = {
  Type: string;
  Next?: string;
  Default?: string;
  End?: boolean;
  Resource?: string;
  Arguments?: Record<string, unknown>;
  Output?: string;
  Retry?: { ErrorEquals: string[]; IntervalSeconds: number; MaxAttempts: number; BackoffRate: number; JitterStrategy?: string }[];
  Catch?: { ErrorEquals: string[]; Next: string }[];
  Choices?: { Condition: string; Next: string }[];
  TimeoutSeconds?: number;
};
export type Definition = { StartAt: string; States: Record<string, State>; TimeoutSeconds?: number; QueryLanguage?: string };

/** The state machine's definition as Step Functions reads it, with each CloudFormation reference shown as `<LogicalId>`. */
export function definitionOf(template: Template): Definition {
  const machines = Object.values(template.findResources('AWS::StepFunctions::StateMachine'));
  if (machines.length !== 1) throw new Error(`expected one state machine, found ${machines.length}`);
  const parts = machines[0]!.Properties.DefinitionString['Fn::Join'][1] as unknown[];
  const text = parts
    .map((p) => {
      if (typeof p === 'string') return p;
      const ref = p as { Ref?: string; 'Fn::GetAtt'?: [string, string] };
      return `<${ref.Ref ?? ref['Fn::GetAtt']?.[0]}>`;
    })
    .join('');
  return JSON.parse(text) as Definition;
}

/** Every state reachable from `from`, following Next, Default, Choices and Catch. */
export function reachable(definition: Definition, from: string): Set<string> {
  const seen = new Set<string>();
  const visit = (name: string | undefined) => {
    if (!name || seen.has(name)) return;
    seen.add(name);
    const s = definition.States[name]!;
    [s.Next, s.Default, ...(s.Choices ?? []).map((c) => c.Next), ...(s.Catch ?? []).map((c) => c.Next)].forEach(visit);
  };
  visit(from);
  return seen;
}
