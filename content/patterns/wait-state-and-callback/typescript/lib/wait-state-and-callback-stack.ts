import * as path from 'node:path';
import { type CfnElement, CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { type CfnStage, HttpApi, HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { AttributeType, Billing, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { ManagedPolicy, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Alias } from 'aws-cdk-lib/aws-kms';
import { Architecture, type CfnFunction, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import { approvalFlow } from './approval-flow';
import { operations } from './operations';

/** How long a request waits for a decision unless the context value approvalTimeoutMinutes says otherwise. */
export const DEFAULT_APPROVAL_TIMEOUT_MINUTES = 24 * 60;
/** Shortest and longest approval wait the stack accepts: five minutes for a demo, a week at most. */
export const APPROVAL_TIMEOUT_RANGE = { min: 5, max: 7 * 24 * 60 } as const;
/** Approvals are made by people: a handful a second is generous, and it bounds a leaked credential. */
export const THROTTLE = { rateLimit: 10, burstLimit: 20 } as const;

/** Reads the approval timeout from context, refusing values the page's promises do not cover. */
export function approvalTimeoutFrom(scope: Construct): Duration {
  const raw: unknown = scope.node.tryGetContext('approvalTimeoutMinutes');
  const minutes = raw === undefined ? DEFAULT_APPROVAL_TIMEOUT_MINUTES : Number(raw);
  if (!Number.isInteger(minutes) || minutes < APPROVAL_TIMEOUT_RANGE.min || minutes > APPROVAL_TIMEOUT_RANGE.max) {
    throw new Error(`approvalTimeoutMinutes must be a whole number from ${APPROVAL_TIMEOUT_RANGE.min} to ${APPROVAL_TIMEOUT_RANGE.max}, got ${String(raw)}`);
  }
  return Duration.minutes(minutes);
}

export class WaitStateAndCallbackStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    const approvalTimeout = approvalTimeoutFrom(this);

    // One item per request: its state, the decision, and the task token only while a decision is awaited.
    const approvals = new TableV2(this, 'Approvals', {
      partitionKey: { name: 'approvalId', type: AttributeType.STRING },
      billing: Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // Demo data: `cdk destroy` removes the table with the stack.
      removalPolicy: RemovalPolicy.DESTROY,
    });

    const approverTopic = new Topic(this, 'ApproverTopic', {
      displayName: 'Access requests waiting for a decision',
      enforceSSL: true,
      // The AWS managed key lets any principal in the account publish through SNS,
      // so the workflow role needs no KMS permission beside sns:Publish.
      masterKey: Alias.fromAliasName(this, 'SnsManagedKey', 'alias/aws/sns'),
    });
    const approverEmail: unknown = this.node.tryGetContext('approverEmail');
    if (typeof approverEmail === 'string' && approverEmail !== '') {
      Validations.of(approverTopic.addSubscription(new EmailSubscription(approverEmail))).acknowledge({
        id: 'Serverless-SNSRedrivePolicy',
        reason: 'An e-mail to an approver has no queue to redrive to; a lost e-mail leaves the request PENDING in the table until it expires, which is the designed outcome.',
      });
    }

    const api = new HttpApi(this, 'ApprovalApi', {
      description: 'Approvers record a decision on an access request; every call is SigV4-signed.',
      createDefaultStage: true,
    });

    const registerRequest = this.handler('RegisterRequest', 'register-request.ts', 'Validates an access request, stores it as PENDING and writes the approvers\' message.', {
      APPROVALS_TABLE_NAME: approvals.tableName,
      APPROVAL_API_URL: api.apiEndpoint,
    });
    // A new request, and nothing else: no read, no update, no delete.
    approvals.grant(registerRequest, 'dynamodb:PutItem');

    const flow = approvalFlow(this, { approvals, registerRequest, approverTopic, approvalTimeout });

    const decide = this.handler('Decide', 'decide.ts', 'Records an approver\'s decision once and hands it to the waiting workflow.', {
      APPROVALS_TABLE_NAME: approvals.tableName,
    });
    // Claim, release and expire are all conditional updates of one item; SendTaskSuccess on this workflow only.
    approvals.grant(decide, 'dynamodb:UpdateItem');
    flow.grant(decide, 'states:SendTaskSuccess');

    api.addRoutes({
      path: '/approvals/{approvalId}',
      methods: [HttpMethod.POST],
      integration: new HttpLambdaIntegration('DecideIntegration', decide),
      // SigV4: API Gateway checks the caller's IAM identity and execute-api:Invoke before the function runs.
      authorizer: new HttpIamAuthorizer(),
    });
    const accessLogs = new LogGroup(this, 'ApprovalApiAccessLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const stage = api.defaultStage?.node.defaultChild as CfnStage;
    stage.accessLogSettings = {
      destinationArn: accessLogs.logGroupArn,
      format: JSON.stringify({
        requestId: '$context.requestId',
        caller: '$context.identity.userArn',
        method: '$context.httpMethod',
        path: '$context.path',
        status: '$context.status',
        error: '$context.error.message',
        latencyMs: '$context.responseLatency',
      }),
    };
    stage.defaultRouteSettings = { throttlingRateLimit: THROTTLE.rateLimit, throttlingBurstLimit: THROTTLE.burstLimit };

    // Who may approve is an IAM decision: attach this policy to your approvers' roles or groups.
    const approverPolicy = new ManagedPolicy(this, 'ApproverPolicy', {
      description: 'Record decisions on access requests through the approval API (POST /approvals/{approvalId}) and nothing else.',
      statements: [new PolicyStatement({ actions: ['execute-api:Invoke'], resources: [api.arnForExecuteApi('POST', '/approvals/*')] })],
    });

    const alarmTopic = operations(this, { flow, api, decide });

    new CfnOutput(this, 'ApiUrl', { value: api.apiEndpoint, description: 'POST decisions to <ApiUrl>/approvals/<approvalId>.' });
    new CfnOutput(this, 'StateMachineArn', { value: flow.stateMachineArn, description: 'Start one execution per access request; its name is the approval id.' });
    new CfnOutput(this, 'TableName', { value: approvals.tableName });
    new CfnOutput(this, 'ApproverTopicArn', { value: approverTopic.topicArn, description: 'Subscribe approvers here, or deploy with -c approverEmail=...' });
    new CfnOutput(this, 'ApproverPolicyArn', { value: approverPolicy.managedPolicyArn, description: 'Attach to the IAM identities allowed to decide.' });
    new CfnOutput(this, 'AlarmTopicArn', { value: alarmTopic.topicArn });

    Validations.of(approverPolicy).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:<${this.getLogicalId(api.node.defaultChild as CfnElement)}>/*/POST/approvals/*]`,
      reason: 'The wildcards stand for the one $default stage and the {approvalId} path parameter; the ARN fixes the API, the POST method and /approvals.',
    });
    Validations.of(flow).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'CDK grants log delivery and X-Ray writes to the workflow role; neither API accepts a narrower resource.',
    });
    Validations.of(flow).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${this.getLogicalId(registerRequest.node.defaultChild as CfnFunction)}.Arn>:*]`,
      reason: 'The workflow may invoke any version or alias of RegisterRequest, and only that function.',
    });
  }

  /** A small function with its own role and log group; callers add the one grant it needs. */
  private handler(id: string, file: string, description: string, environment: Record<string, string>): NodejsFunction {
    const logGroup = new LogGroup(this, `${id}Logs`, {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // An explicit role instead of the AWS managed basic-execution policy, whose
    // log permissions reach every log group in the account.
    const role = new Role(this, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `${id}: write its own logs and traces, plus the one grant the stack adds.`,
    });
    logGroup.grantWrite(role);
    const fn = new NodejsFunction(this, id, {
      role,
      description,
      entry: path.join(__dirname, '..', 'lambda', file),
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: 256,
      timeout: Duration.seconds(10),
      tracing: Tracing.ACTIVE,
      loggingFormat: LoggingFormat.JSON,
      logGroup,
      environment,
      bundling: { minify: true, sourceMap: true },
    });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'X-Ray trace segments cannot be scoped to a resource; this is the only wildcard.',
    });
    Validations.of(fn).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason: 'Step Functions or API Gateway invokes the function synchronously and handles its errors; a DLQ only applies to async invokes.',
    });
    return fn;
  }
}
