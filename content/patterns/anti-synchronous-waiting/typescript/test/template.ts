import { Template } from 'aws-cdk-lib/assertions';
import { ReportWorkflowStack } from '../lib/anti-synchronous-waiting-stack';
import { PollingReportStack } from '../lib/before-stack';
import { appFromCdkJson } from './cdk-app';

type Resource = { Type: string; Properties: Record<string, unknown>; DependsOn?: string[] };

/** Both stacks as `cdk synth -c antiPattern=before` writes them. */
export function synthesize(): { app: ReturnType<typeof appFromCdkJson>; after: ReportWorkflowStack; before: PollingReportStack; afterTemplate: Template; beforeTemplate: Template } {
  const app = appFromCdkJson();
  const after = new ReportWorkflowStack(app, 'ReportWorkflowStack');
  const before = new PollingReportStack(app, 'PollingReportStack');
  return { app, after, before, afterTemplate: Template.fromStack(after), beforeTemplate: Template.fromStack(before) };
}

export function resourcesOfType(template: Template, type: string): [string, Resource][] {
  return Object.entries(template.toJSON().Resources as Record<string, Resource>).filter(([, r]) => r.Type === type);
}

/** The state machine's definition, with every intrinsic replaced by a placeholder. */
export function definitionOf(template: Template): { States: Record<string, Record<string, unknown>>; TimeoutSeconds?: number; StartAt: string } {
  const [[, machine]] = resourcesOfType(template, 'AWS::StepFunctions::StateMachine') as [[string, Resource]];
  const join = (machine.Properties.DefinitionString as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
  return JSON.parse(join.map((part) => (typeof part === 'string' ? part : 'TOKEN')).join(''));
}

/** Every Allow statement of the policies attached to a role, flattened to one action per entry. */
export function grantsOf(template: Template, roleId: string): { action: string; resource: string }[] {
  return resourcesOfType(template, 'AWS::IAM::Policy')
    .filter(([, p]) => JSON.stringify(p.Properties.Roles).includes(roleId))
    .flatMap(([, p]) => (p.Properties.PolicyDocument as { Statement: { Action: string | string[]; Resource: unknown }[] }).Statement)
    .flatMap((s) => {
      const actions = Array.isArray(s.Action) ? s.Action : [s.Action];
      const resources = Array.isArray(s.Resource) ? s.Resource : [s.Resource];
      return actions.flatMap((action) => resources.map((resource) => ({ action, resource: JSON.stringify(resource) })));
    });
}
