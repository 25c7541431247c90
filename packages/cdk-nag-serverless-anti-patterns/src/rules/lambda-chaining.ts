// Lambda chaining: a function whose code calls the next function directly and waits for it.
// The template cannot show the call, but it shows the permission the call needs: the execution
// role may lambda:InvokeFunction on another function. That grant is the finding, with three
// exceptions that also grant invoke yet chain nothing in request code:
//   - Lambda destinations: the Lambda service invokes the destination with the source function's
//     role after an asynchronous invocation, so the grant is the fix, not the anti-pattern;
//   - deploy-time functions: whatever a CloudFormation custom resource calls (its ServiceToken),
//     which covers AwsCustomResource, triggers, and the provider framework's onEvent function;
//   - the custom-resource provider framework's own isComplete/onTimeout functions, recognised by
//     the handler entry points CDK's bundled framework code exports;
//   - CodeDeploy traffic hooks: they invoke the new version to test it before and after traffic
//     shifts, named by an alias's CodeDeployLambdaAliasUpdate policy (or able to report a hook status).
// A grant on the function itself only is left to RecursiveLambda.
import { NagMessageLevel, NagRuleCompliance } from 'cdk-nag';
import { type CfnResource, Stack } from 'aws-cdk-lib';
import type { AntiPatternRule } from '../rule';
import { functionRoleId, grantedOn, managedPolicyStatements, referencedIds, resourceOf, resourcesOf, roleStatements, allows, type Resource, type Statement } from '../resources';

const INVOKE = 'lambda:InvokeFunction';

/** AWS managed policies that let a role invoke every function in the account. */
const MANAGED_INVOKE_ANY = [/:policy\/service-role\/AWSLambdaRole$/, /:policy\/AWSLambda_FullAccess$/, /:policy\/AWSLambdaFullAccess$/];

/** Handlers of the custom-resource provider framework (aws-cdk-lib/custom-resources Provider). */
const PROVIDER_FRAMEWORK_HANDLER = /^framework\.(onEvent|isComplete|onTimeout)$/;

type Resources = Map<string, Resource>;

const FUNCTION_LIKE = new Set(['AWS::Lambda::Function', 'AWS::Lambda::Alias', 'AWS::Lambda::Version', 'AWS::Lambda::Url']);

/** The function a reference stands for: a function, or an alias/version of one. */
function functionBehind(resources: Resources, id: string, seen = new Set<string>()): string | undefined {
  const r = resources.get(id);
  if (!r || seen.has(id) || !FUNCTION_LIKE.has(r.type)) return undefined;
  if (r.type === 'AWS::Lambda::Function') return id;
  seen.add(id);
  const inner = referencedIds(r.properties.FunctionName ?? r.properties.TargetFunctionArn)[0];
  return inner ? functionBehind(resources, inner, seen) : undefined;
}

/** A literal or joined string with its tokens blanked, to read ARNs such as "arn:aws:lambda:…:function:*". */
function flatten(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const join = (value as Record<string, unknown>)['Fn::Join'];
  if (Array.isArray(join) && Array.isArray(join[1])) return (join[1] as unknown[]).map((p) => flatten(p) ?? '{token}').join(String(join[0]));
  const sub = (value as Record<string, unknown>)['Fn::Sub'];
  if (typeof sub === 'string') return sub;
  if (Array.isArray(sub) && typeof sub[0] === 'string') return sub[0];
  return undefined;
}

/** Customer managed policies of the stack attached to the role, and the statements of both kinds. */
function managedStatements(resources: Resources, roleId: string): { statements: Statement[]; invokeAny: boolean } {
  const role = resources.get(roleId);
  const arns = ((role?.properties.ManagedPolicyArns as unknown[] | undefined) ?? []);
  const invokeAny = arns.some((arn) => {
    const text = flatten(arn);
    return text !== undefined && MANAGED_INVOKE_ANY.some((re) => re.test(text));
  });
  return { statements: managedPolicyStatements(resources, roleId), invokeAny };
}

/**
 * Functions that run at deploy time, never on a request: what a CloudFormation custom resource calls
 * (its ServiceToken) and the CodeDeploy hooks an alias's update policy names.
 */
function deployTimeFunctions(resources: Resources): Set<string> {
  const found = new Set<string>();
  const add = (value: unknown) => {
    for (const id of referencedIds(value)) {
      const fn = functionBehind(resources, id);
      if (fn) found.add(fn);
    }
  };
  for (const r of resources.values()) {
    if (r.properties.ServiceToken !== undefined) add(r.properties.ServiceToken);
    // UpdatePolicy is no property: read it from the construct, rendered (CfnInclude keeps it too).
    const hooks = r.type === 'AWS::Lambda::Alias' ? r.node.cfnOptions.updatePolicy?.codeDeployLambdaAliasUpdate : undefined;
    if (hooks) add(Stack.of(r.node).resolve([hooks.beforeAllowTrafficHook, hooks.afterAllowTrafficHook]));
  }
  return found;
}

/** A function that may report a CodeDeploy lifecycle hook's status is a deployment hook. */
function isCodeDeployHook(resources: Resources, fn: Resource): boolean {
  const roleId = functionRoleId(fn);
  return roleId !== undefined && roleStatements(resources, roleId).some((s) => allows(s, 'codedeploy:PutLifecycleEventHookExecutionStatus'));
}

/** Functions the Lambda service invokes for `fnId` as destinations of its asynchronous invocations. */
function destinationsOf(resources: Resources, fnId: string): Set<string> {
  const found = new Set<string>();
  for (const r of resources.values()) {
    if (r.type !== 'AWS::Lambda::EventInvokeConfig') continue;
    if (!referencedIds(r.properties.FunctionName).some((id) => functionBehind(resources, id) === fnId)) continue;
    for (const id of referencedIds(r.properties.DestinationConfig)) {
      const fn = functionBehind(resources, id);
      if (fn) found.add(fn);
    }
  }
  return found;
}

/** Whether a CDK helper function wrote this: the provider framework's handlers. */
function isProviderFramework(fn: Resource): boolean {
  return typeof fn.properties.Handler === 'string' && PROVIDER_FRAMEWORK_HANDLER.test(fn.properties.Handler);
}

/**
 * What the function's role may invoke: other functions of the stack by logical id, and
 * "any function" when a grant reaches past the stack (`*`, a function ARN pattern or literal).
 */
export function chainedTargets(resources: Resources, fn: Resource): { functions: string[]; outside: boolean } {
  const roleId = functionRoleId(fn);
  if (!roleId || !resources.has(roleId)) return { functions: [], outside: false };
  const managed = managedStatements(resources, roleId);
  const statements = [...roleStatements(resources, roleId), ...managed.statements].filter((s) => allows(s, INVOKE));
  const skip = destinationsOf(resources, fn.logicalId);
  skip.add(fn.logicalId); // a function calling itself is RecursiveLambda's finding
  const functions = grantedOn(statements, INVOKE)
    .map((id) => functionBehind(resources, id))
    .filter((id): id is string => id !== undefined && !skip.has(id));
  // A grant on anything that is not a resource of this stack (`*`, an ARN pattern, an imported or
  // parameter ARN) may reach any function, including the ones of other stacks.
  const outside = managed.invokeAny || statements.some((s) => s.resources.some((res) => !referencedIds(res).some((id) => resources.has(id))));
  return { functions: [...new Set(functions)], outside };
}

export const lambdaChaining: AntiPatternRule = {
  id: 'LambdaChaining',
  level: NagMessageLevel.ERROR,
  info: 'The Lambda function may invoke another Lambda function directly (its role allows lambda:InvokeFunction on it), the mark of a function chain.',
  explanation:
    'A function that calls the next one synchronously waits, and pays, for the whole chain: its timeout must cover every callee, a callee failure becomes its failure, and retries at each hop multiply. ' +
    'Orchestrate the steps with a Step Functions state machine (each step a task with its own Retry and Catch), or hand over with an event (EventBridge, SQS) or a Lambda destination. ' +
    'If the call is asynchronous and deliberate, acknowledge the finding with that reason.',
  check: (node: CfnResource) => {
    if (node.cfnResourceType !== 'AWS::Lambda::Function') return NagRuleCompliance.NOT_APPLICABLE;
    const resources = resourcesOf(node);
    const fn = resourceOf(node);
    if (!fn) return NagRuleCompliance.NOT_APPLICABLE;
    if (isProviderFramework(fn) || isCodeDeployHook(resources, fn) || deployTimeFunctions(resources).has(fn.logicalId)) return NagRuleCompliance.NOT_APPLICABLE;
    const { functions, outside } = chainedTargets(resources, fn);
    return functions.length > 0 || outside ? NagRuleCompliance.NON_COMPLIANT : NagRuleCompliance.COMPLIANT;
  },
};
