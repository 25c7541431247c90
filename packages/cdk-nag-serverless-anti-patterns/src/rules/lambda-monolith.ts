// The Lambda monolith: one function behind an API that picks the operation from the route (or a
// field of the body) in its own code, so its one role holds what every route needs.
//
// A template shows the two halves of it: how much of an API one function answers, and how many
// kinds of access its role pools. The rule flags a function that
//   A. is the target of routes on three or more distinct paths, whatever its role holds: it has
//      to choose between unrelated resources in code (the "fat Lambda"); or
//   B. is the target of a catch-all route (a greedy `{name+}` path such as REST's `{proxy+}` or
//      HTTP's `ANY /{proxy+}`, or the HTTP API `$default` route) while its role pools two or more
//      kinds of access (read and write, or two services) or carries a managed policy beyond
//      logging, tracing and VPC networking (the Lambda-lith).
// What passes: a function per route; a function per resource (a collection and its items, with
// their methods, ANY included: one bounded set of operations on one thing); and a catch-all
// function holding one kind of access, such as a hit counter that counts any path, which a
// template cannot tell from a path-agnostic single-purpose function. WebSocket routes carry
// messages, not operations, and are not counted.
import type { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel, NagRuleCompliance, type NagRuleResult } from 'cdk-nag';
import { type Resource, functionRoleId, functionsIn, referencedIds, resourceOf, resourcesOf, roleStatements } from '../resources';
import type { AntiPatternRule } from '../rule';

/** Routes on this many distinct paths mean the function routes between resources in code. */
export const MONOLITH_PATHS = 3;

type Route = { method: string; path: string; catchAll: boolean };

const GREEDY = /\{[^}]+\+\}/;

/** The path of a REST API resource, read up its ParentId chain ("/" for the root resource). */
function restPath(resources: Map<string, Resource>, resourceId: unknown): string {
  const parts: string[] = [];
  let current = resources.get(referencedIds(resourceId)[0] ?? '');
  for (let depth = 0; current?.type === 'AWS::ApiGateway::Resource' && depth < 50; depth++) {
    parts.unshift(String(current.properties.PathPart));
    current = resources.get(referencedIds(current.properties.ParentId)[0] ?? '');
  }
  return `/${parts.join('/')}`;
}

/** Every API Gateway route (REST method or HTTP API route) whose integration invokes `fnId`. */
function routesOf(resources: Map<string, Resource>, fnId: string): Route[] {
  const routes: Route[] = [];
  for (const r of resources.values()) {
    if (r.type === 'AWS::ApiGateway::Method') {
      const method = String(r.properties.HttpMethod ?? '').toUpperCase();
      // A Lambda answering CORS preflights is plumbing, not an operation.
      if (method === 'OPTIONS') continue;
      const integration = r.properties.Integration as { Uri?: unknown } | undefined;
      if (!functionsIn(resources, integration?.Uri).includes(fnId)) continue;
      const path = restPath(resources, r.properties.ResourceId);
      routes.push({ method, path, catchAll: GREEDY.test(path) });
    } else if (r.type === 'AWS::ApiGatewayV2::Route') {
      if (isWebSocket(resources, r.properties.ApiId)) continue;
      const targets = referencedIds(r.properties.Target).map((id) => resources.get(id));
      if (!targets.some((t) => t?.type === 'AWS::ApiGatewayV2::Integration' && functionsIn(resources, t.properties.IntegrationUri).includes(fnId))) continue;
      const key = String(r.properties.RouteKey ?? '');
      const [method = '', path = ''] = key === '$default' ? ['ANY', '$default'] : key.split(/\s+/, 2);
      routes.push({ method: method.toUpperCase(), path, catchAll: key === '$default' || GREEDY.test(path) });
    } else if (r.type === 'AWS::ApiGatewayV2::Api' && r.properties.Target !== undefined && r.properties.ProtocolType !== 'WEBSOCKET') {
      // Quick create: an HTTP API whose Target is a function gets a $default route to it.
      if (functionsIn(resources, r.properties.Target).includes(fnId)) routes.push({ method: 'ANY', path: '$default', catchAll: true });
    }
  }
  return routes;
}

/** WebSocket routes carry messages over one connection; they are not HTTP operations. */
function isWebSocket(resources: Map<string, Resource>, apiId: unknown): boolean {
  const api = resources.get(referencedIds(apiId)[0] ?? '');
  return api?.type === 'AWS::ApiGatewayV2::Api' && api.properties.ProtocolType === 'WEBSOCKET';
}

// Actions every function needs whatever it does: its logs, its traces, decrypting its environment,
// and the network interfaces Lambda manages for a function in a VPC.
const PLUMBING = /^(logs|xray|kms):|^ec2:(CreateNetworkInterface|DeleteNetworkInterface|DescribeNetworkInterfaces|DescribeSubnets|AssignPrivateIpAddresses|UnassignPrivateIpAddresses)$/i;
const READ = /^(Get|BatchGet|List|Describe|Query|Scan|Head|Select|ConditionCheck|Lookup|Search|Receive|ClientMount)/i;
// Managed policies that grant nothing but plumbing; any other managed policy counts as broad access.
const PLUMBING_POLICIES = /(AWSLambdaBasicExecutionRole|AWSLambdaVPCAccessExecutionRole|AWSXRayDaemonWriteAccess|AWSXrayWriteOnlyAccess|CloudWatchLambdaInsightsExecutionRolePolicy)(?![A-Za-z0-9])/;

/** The kinds of access a role grants, as "service:read" / "service:write". */
export function accessKinds(actions: readonly string[]): Set<string> {
  const kinds = new Set<string>();
  for (const action of actions) {
    if (action === '*') {
      kinds.add('*:read').add('*:write');
      continue;
    }
    if (PLUMBING.test(action)) continue;
    const [service = '', verb = ''] = action.toLowerCase().split(':', 2);
    // "dynamodb:*" or "s3:*Object" cannot be told apart: they read and write.
    if (verb.startsWith('*')) kinds.add(`${service}:read`).add(`${service}:write`);
    else kinds.add(`${service}:${READ.test(verb) ? 'read' : 'write'}`);
  }
  return kinds;
}

function managedPolicies(role: Resource | undefined): string[] {
  const arns = role?.properties.ManagedPolicyArns;
  return (Array.isArray(arns) ? arns : []).map((arn) => JSON.stringify(arn));
}

/** Whether the function's role pools more than one kind of access (the union of several routes' needs). */
function poolsAccess(resources: Map<string, Resource>, fn: Resource): boolean {
  const roleId = functionRoleId(fn);
  if (!roleId) return false;
  if (managedPolicies(resources.get(roleId)).some((arn) => !PLUMBING_POLICIES.test(arn))) return true;
  return accessKinds(roleStatements(resources, roleId).flatMap((s) => s.actions)).size >= 2;
}

export function isLambdaMonolith(resources: Map<string, Resource>, fn: Resource): boolean {
  const routes = routesOf(resources, fn.logicalId);
  if (routes.length === 0) return false;
  const paths = new Set(routes.filter((r) => !r.catchAll).map((r) => r.path));
  if (paths.size >= MONOLITH_PATHS) return true;
  return routes.some((r) => r.catchAll) && poolsAccess(resources, fn);
}

export const lambdaMonolith: AntiPatternRule = {
  id: 'LambdaMonolith',
  level: NagMessageLevel.ERROR,
  info: 'The Lambda function is an API router (a Lambda monolith): it answers routes on three or more paths, or a catch-all route with a role that pools several kinds of access.',
  explanation:
    'One function that picks the operation from the route in its own code carries every route\'s code and dependencies into every cold start, shares one memory size, timeout and concurrency pool across all of them, and holds one role with every permission any route needs, so a bug in a read route can write or delete. ' +
    'Give each route (or each small, bounded operation) its own function behind an explicit API route, with its own role granting only what that operation does and its own sizing; keep shared code in a module the functions import.',
  check(node: CfnResource): NagRuleResult {
    const fn = resourceOf(node);
    if (fn?.type !== 'AWS::Lambda::Function') return NagRuleCompliance.NOT_APPLICABLE;
    return isLambdaMonolith(resourcesOf(node), fn) ? NagRuleCompliance.NON_COMPLIANT : NagRuleCompliance.COMPLIANT;
  },
};
