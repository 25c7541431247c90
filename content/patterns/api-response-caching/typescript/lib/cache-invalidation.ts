import { type CfnElement, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { RestApi } from 'aws-cdk-lib/aws-apigateway';
import { AccountPrincipal, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { AwsCustomResource, AwsCustomResourcePolicy, PhysicalResourceId } from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';

/**
 * What API Gateway does with a `Cache-Control: max-age=0` header from a caller who may not
 * invalidate: serve the cached answer and say so in a warning header. Browsers send that header
 * on every reload, so FAIL_WITH_403 would break ordinary readers.
 */
export const UNAUTHORIZED_INVALIDATION = 'SUCCEED_WITH_RESPONSE_HEADER';

/** A stage method path in API Gateway's patch syntax: slashes in the resource path become ~1. */
export function methodSettingPath(resourcePath: string, httpMethod: string): string {
  return `/${resourcePath.replace(/\//g, '~1')}/${httpMethod}`;
}

export type CacheInvalidationProps = { api: RestApi; cachedMethods: { resourcePath: string; httpMethod: string }[] };

/**
 * Who may make API Gateway drop a cached answer: only callers who sign the request as the
 * InvalidatorRole. CloudFormation cannot set per-key invalidation on a stage, so an SDK call sets it.
 */
export class CacheInvalidation extends Construct {
  readonly invalidatorRole: Role;

  constructor(scope: Construct, id: string, props: CacheInvalidationProps) {
    super(scope, id);
    const { api, cachedMethods } = props;
    const stage = api.deploymentStage;

    // The one principal allowed to invalidate. People or pipelines of this account assume it,
    // if their own IAM policy lets them; nobody outside the account can.
    this.invalidatorRole = new Role(this, 'InvalidatorRole', {
      assumedBy: new AccountPrincipal(Stack.of(this).account),
      description: 'Sign GET requests with Cache-Control: max-age=0 to refresh cached catalog answers.',
      maxSessionDuration: Duration.hours(1),
    });
    this.invalidatorRole.addToPolicy(
      new PolicyStatement({
        actions: ['execute-api:InvalidateCache'],
        resources: cachedMethods.map((m) => api.arnForExecuteApi(m.httpMethod, m.resourcePath.replace(/\{[^}]+\}/g, '*'), stage.stageName)),
      }),
    );

    const patchOperations = cachedMethods.flatMap(({ resourcePath, httpMethod }) => [
      { op: 'replace', path: `${methodSettingPath(resourcePath, httpMethod)}/caching/requireAuthorizationForCacheControl`, value: 'true' },
      { op: 'replace', path: `${methodSettingPath(resourcePath, httpMethod)}/caching/unauthorizedCacheControlHeaderStrategy`, value: UNAUTHORIZED_INVALIDATION },
    ]);
    const logGroup = new LogGroup(this, 'SettingsLogs', { retention: RetentionDays.ONE_WEEK, removalPolicy: RemovalPolicy.DESTROY });
    const role = new Role(this, 'SettingsRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'Sets per-key cache invalidation on the catalog stage, nothing else.',
    });
    logGroup.grantWrite(role);
    const updateStage = {
      service: 'APIGateway',
      action: 'updateStage',
      parameters: { restApiId: api.restApiId, stageName: stage.stageName, patchOperations },
      physicalResourceId: PhysicalResourceId.of('cache-invalidation-settings'),
      // The full stage description can pass CloudFormation's 4 KB limit on custom resource data.
      outputPaths: ['stageName'],
    };
    new AwsCustomResource(this, 'Settings', {
      onCreate: updateStage,
      onUpdate: updateStage,
      role,
      logGroup,
      installLatestAwsSdk: false,
      memorySize: 256,
      timeout: Duration.minutes(2),
      // UpdateStage is an HTTP PATCH on the stage; only this one stage.
      policy: AwsCustomResourcePolicy.fromStatements([new PolicyStatement({ actions: ['apigateway:PATCH'], resources: [stage.stageArn] })]),
    });

    // cdk-nag names the wildcard resources by the logical ids of the API and its stage.
    const logicalId = (c: Construct) => `<${Stack.of(this).getLogicalId(c.node.defaultChild as CfnElement)}>`;
    const executeApi = `arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:${logicalId(api)}/${logicalId(stage)}`;
    Validations.of(this.invalidatorRole).acknowledge(
      ...cachedMethods.map((m) => ({
        id: `AwsSolutions-IAM5[Resource::${executeApi}/${m.httpMethod}${m.resourcePath.replace(/\{[^}]+\}/g, '*')}]`,
        reason: 'The * stands for the product id: the role may refresh the cached answer for any product, and only on the cached GETs.',
      })),
    );
    // CDK creates one provider function for all AwsCustomResources in a stack, under this fixed id.
    const provider = Stack.of(this).node.findChild(`AWS${AwsCustomResource.PROVIDER_FUNCTION_UUID.replace(/-/g, '')}`);
    Validations.of(provider).acknowledge(
      { id: 'Serverless-LambdaDLQ', reason: 'CloudFormation waits for the custom resource to answer; a failed call fails the deployment instead of queueing.' },
      { id: 'Serverless-LambdaTracing', reason: 'CDK does not expose tracing on the AwsCustomResource provider; it runs only when the stage settings are deployed.' },
    );
  }
}
