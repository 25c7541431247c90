// Rules see one resource at a time; anti-patterns live between resources (a function and
// the queue that feeds it, a role and the function it may call). This module renders a
// stack's resources once, as CloudFormation, so rules can follow Ref and Fn::GetAtt.
import { CfnResource, Stack } from 'aws-cdk-lib';

export type Resource = {
  logicalId: string;
  type: string;
  properties: Record<string, unknown>;
  metadata: Record<string, unknown>;
  node: CfnResource;
};

export type Statement = { actions: string[]; resources: unknown[] };

const cache = new WeakMap<Stack, Map<string, Resource>>();

/** Renders a resource the way it appears in the template; every Stack can do this, synthesized or not. */
function render(node: CfnResource): { Type: string; Properties?: Record<string, unknown>; Metadata?: Record<string, unknown> } {
  const stack = Stack.of(node);
  // _toCloudFormation is internal but has been stable since CDK v1; it is the only way to see
  // every property (including raw overrides) exactly as CloudFormation will.
  const rendered = stack.resolve((node as unknown as { _toCloudFormation(): object })._toCloudFormation()) as {
    Resources: Record<string, { Type: string; Properties?: Record<string, unknown>; Metadata?: Record<string, unknown> }>;
  };
  return Object.values(rendered.Resources)[0]!;
}

export function logicalIdOf(node: CfnResource): string {
  return Stack.of(node).resolve(node.logicalId) as string;
}

/** Every resource of the stack that holds `node`, by logical id. */
export function resourcesOf(node: CfnResource): Map<string, Resource> {
  const stack = Stack.of(node);
  let found = cache.get(stack);
  if (!found) {
    found = new Map();
    for (const child of stack.node.findAll()) {
      if (!CfnResource.isCfnResource(child) || Stack.of(child) !== stack) continue;
      const { Type, Properties, Metadata } = render(child);
      found.set(logicalIdOf(child), { logicalId: logicalIdOf(child), type: Type, properties: Properties ?? {}, metadata: Metadata ?? {}, node: child });
    }
    cache.set(stack, found);
  }
  return found;
}

export function resourceOf(node: CfnResource): Resource | undefined {
  return resourcesOf(node).get(logicalIdOf(node));
}

/** Logical ids a value points at through Ref, Fn::GetAtt or Fn::Sub. */
export function referencedIds(value: unknown): string[] {
  const ids = new Set<string>();
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(visit);
    if (!v || typeof v !== 'object') return;
    for (const [key, inner] of Object.entries(v)) {
      if (key === 'Ref' && typeof inner === 'string') ids.add(inner);
      else if (key === 'Fn::GetAtt') ids.add(Array.isArray(inner) ? String(inner[0]) : String(inner).split('.')[0]!);
      else if (key === 'Fn::Sub') {
        const text = Array.isArray(inner) ? inner[0] : inner;
        for (const [, ref] of String(text).matchAll(/\$\{([A-Za-z0-9]+)(?:\.[A-Za-z]+)?\}/g)) ids.add(ref!);
        if (Array.isArray(inner)) visit(inner[1]);
      } else visit(inner);
    }
  };
  visit(value);
  return [...ids];
}

export function asArray(v: unknown): unknown[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

function statementsOf(document: unknown): Statement[] {
  const doc = document as { Statement?: unknown } | undefined;
  return asArray(doc?.Statement)
    .map((s) => s as { Effect?: string; Action?: unknown; Resource?: unknown })
    .filter((s) => s.Effect === 'Allow')
    .map((s) => ({ actions: asArray(s.Action).map(String), resources: asArray(s.Resource) }));
}

/** Allow statements of the stack's customer managed policies attached to a role, from either side. */
export function managedPolicyStatements(resources: Map<string, Resource>, roleId: string): Statement[] {
  const attachedByRole = new Set(asArray(resources.get(roleId)?.properties.ManagedPolicyArns).flatMap(referencedIds));
  return [...resources.values()]
    .filter((r) => r.type === 'AWS::IAM::ManagedPolicy')
    .filter((r) => attachedByRole.has(r.logicalId) || asArray(r.properties.Roles).some((ref) => referencedIds(ref).includes(roleId)))
    .flatMap((r) => statementsOf(r.properties.PolicyDocument));
}

/** The Lambda functions of the stack a value names, directly or through an alias or a version. */
export function functionsIn(resources: Map<string, Resource>, value: unknown, seen: Set<string> = new Set<string>()): string[] {
  const found: string[] = [];
  for (const id of referencedIds(value)) {
    if (seen.has(id)) continue;
    seen.add(id);
    const r = resources.get(id);
    if (r?.type === 'AWS::Lambda::Function') found.push(id);
    else if (r?.type === 'AWS::Lambda::Alias' || r?.type === 'AWS::Lambda::Version') found.push(...functionsIn(resources, r.properties.FunctionName, seen));
  }
  return found;
}

/** Allow statements a role carries: inline policies and every AWS::IAM::Policy attached to it. */
export function roleStatements(resources: Map<string, Resource>, roleId: string): Statement[] {
  const role = resources.get(roleId);
  const inline = asArray(role?.properties.Policies).flatMap((p) => statementsOf((p as { PolicyDocument?: unknown }).PolicyDocument));
  const attached = [...resources.values()]
    .filter((r) => r.type === 'AWS::IAM::Policy' && asArray(r.properties.Roles).some((ref) => referencedIds(ref).includes(roleId)))
    .flatMap((r) => statementsOf(r.properties.PolicyDocument));
  return [...inline, ...attached];
}

/** The execution role of a Lambda function, when the stack defines it. */
export function functionRoleId(fn: Resource): string | undefined {
  return referencedIds(fn.properties.Role)[0];
}

/** Whether an IAM action pattern ("lambda:Invoke*", "*") covers an action. */
export function actionMatches(pattern: string, action: string): boolean {
  const re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i');
  return re.test(action);
}

export function allows(statement: Statement, action: string): boolean {
  return statement.actions.some((a) => actionMatches(a, action));
}

/** Logical ids of the stack's own resources a set of statements grants an action on. */
export function grantedOn(statements: Statement[], action: string): string[] {
  return [...new Set(statements.filter((s) => allows(s, action)).flatMap((s) => s.resources.flatMap(referencedIds)))];
}
