import type { Template } from 'aws-cdk-lib/assertions';

export type State = Record<string, any>;
export type Definition = { StartAt: string; States: Record<string, State> };

/**
 * The state machine definition as the template deploys it. CloudFormation references inside the
 * Fn::Join become readable placeholders (<Ref:Id>, <Id.Arn>) so the JSON can be parsed and asserted on.
 */
export function definitionOf(template: Template): Definition {
  const machines = Object.values(template.findResources('AWS::StepFunctions::StateMachine'));
  if (machines.length !== 1) throw new Error(`expected one state machine, found ${machines.length}`);
  const body = machines[0]!.Properties.DefinitionString;
  const parts: unknown[] = typeof body === 'string' ? [body] : body['Fn::Join'][1];
  const text = parts
    .map((part) => {
      if (typeof part === 'string') return part;
      const p = part as Record<string, any>;
      if (p.Ref) return `<Ref:${p.Ref}>`;
      if (p['Fn::GetAtt']) return `<${p['Fn::GetAtt'].join('.')}>`;
      throw new Error(`unexpected part ${JSON.stringify(part)}`);
    })
    .join('');
  return JSON.parse(text) as Definition;
}
