import { Duration, RemovalPolicy, type Stack } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import {
  Choice,
  Condition,
  DefinitionBody,
  Fail,
  IntegrationPattern,
  JitterType,
  LogLevel,
  QueryLanguage,
  StateMachine,
  StateMachineType,
  Succeed,
  TaskInput,
  Timeout,
  Wait,
  WaitTime,
} from 'aws-cdk-lib/aws-stepfunctions';
import { CallAwsService, DynamoAttributeValue, DynamoUpdateItem, LambdaInvoke, SnsPublish } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { MAX_ACCESS_MINUTES } from '../lambda/register-request';

/** Transient Lambda service errors worth another attempt; a bad request is not one of them. */
export const LAMBDA_TRANSIENT_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
];
/**
 * Throttling and server errors of the optimized DynamoDB integration. Step Functions does not list that
 * integration's error names, so the two errors whose API name has no "Exception" suffix appear in both spellings.
 */
export const DYNAMODB_TRANSIENT_ERRORS = [
  'DynamoDB.ProvisionedThroughputExceededException',
  'DynamoDB.RequestLimitExceeded',
  'DynamoDB.RequestLimitExceededException',
  'DynamoDB.ThrottlingException',
  'DynamoDB.InternalServerError',
  'DynamoDB.InternalServerErrorException',
];
/** Headroom past the longest approval wait plus the longest access window, for retries and the steps between. */
export const FLOW_MARGIN = Duration.hours(1);

export type ApprovalFlowProps = {
  approvals: ITableV2;
  registerRequest: IFunction;
  approverTopic: ITopic;
  /** How long a request waits for a decision before it expires. */
  approvalTimeout: Duration;
};

/**
 * The Standard workflow: register the request, tell the approvers, store the task token and wait for the
 * decision (or the deadline), then grant access, hold it open with a Wait state and take it away again.
 */
export function approvalFlow(stack: Stack, props: ApprovalFlowProps): StateMachine {
  const { approvals, registerRequest, approverTopic, approvalTimeout } = props;
  const key = { approvalId: DynamoAttributeValue.fromString('{% $request.approvalId %}') };
  const statusName = { '#status': 'status' };
  const now = DynamoAttributeValue.fromString('{% $states.context.State.EnteredTime %}');
  const retryDynamo = { errors: DYNAMODB_TRANSIENT_ERRORS, interval: Duration.seconds(1), maxAttempts: 3, backoffRate: 2, jitterStrategy: JitterType.FULL };

  // Every error that survives its retries ends here with its own name and cause.
  const requestFailed = Fail.jsonata(stack, 'Request failed', { error: '{% $states.input.Error %}', cause: '{% $states.input.Cause %}' });
  const catchAll = { errors: ['States.ALL'], outputs: '{% $states.errorOutput %}' };

  const register = LambdaInvoke.jsonata(stack, 'Register request', {
    lambdaFunction: registerRequest,
    comment: 'Validates the request, stores it as PENDING and writes the approvers\' message.',
    payload: TaskInput.fromObject({
      approvalId: '{% $states.context.Execution.Name %}',
      startedAt: '{% $states.context.Execution.StartTime %}',
      // The deadline is fixed from the start of the execution, so it is never later than the real task timeout.
      expiresAt: `{% $fromMillis($toMillis($states.context.Execution.StartTime) + ${approvalTimeout.toMilliseconds()}) %}`,
      request: '{% $states.input %}',
    }),
    assign: { request: '{% $states.result.Payload %}' },
    outputs: '{% $states.result.Payload %}',
    retryOnServiceExceptions: false,
    taskTimeout: Timeout.duration(Duration.seconds(10)),
  });
  register.addRetry({ errors: LAMBDA_TRANSIENT_ERRORS, interval: Duration.seconds(1), maxAttempts: 3, backoffRate: 2, jitterStrategy: JitterType.FULL });
  register.addCatch(requestFailed, catchAll);

  const notify = SnsPublish.jsonata(stack, 'Notify approvers', {
    topic: approverTopic,
    subject: '{% $request.notification.subject %}',
    message: TaskInput.fromText('{% $request.notification.message %}'),
    outputs: '{% $states.input %}',
  });
  notify.addRetry({ errors: ['States.TaskFailed'], interval: Duration.seconds(2), maxAttempts: 3, backoffRate: 2, jitterStrategy: JitterType.FULL });
  notify.addCatch(requestFailed, catchAll);

  // The callback: Step Functions writes its own task token into the request's item and pauses. No function
  // holds the token and no message carries it; only the approval API reads it back, by approval id.
  const waitForDecision = CallAwsService.jsonata(stack, 'Wait for decision', {
    service: 'dynamodb',
    action: 'updateItem',
    integrationPattern: IntegrationPattern.WAIT_FOR_TASK_TOKEN,
    parameters: {
      TableName: approvals.tableName,
      Key: { approvalId: { S: '{% $request.approvalId %}' } },
      UpdateExpression: 'SET taskToken = :token',
      ConditionExpression: '#status = :pending',
      ExpressionAttributeNames: statusName,
      ExpressionAttributeValues: { ':token': { S: '{% $states.context.Task.Token %}' }, ':pending': { S: 'PENDING' } },
    },
    iamResources: [approvals.tableArn],
    iamAction: 'dynamodb:UpdateItem',
    comment: 'Stores the task token and waits for SendTaskSuccess from the approval API, or the deadline.',
    // A person answers within a deadline or not at all, so a timeout and no heartbeat: nobody could send
    // SendTaskHeartbeat while a request sits in an inbox. An external worker would get HeartbeatSeconds.
    taskTimeout: Timeout.duration(approvalTimeout),
    assign: { decision: '{% $states.result %}' },
    outputs: '{% $states.result %}',
  });
  // States.TaskFailed matches every error except States.Timeout, so an expired wait is never retried.
  waitForDecision.addRetry({ errors: ['States.TaskFailed'], interval: Duration.seconds(1), maxAttempts: 3, backoffRate: 2, jitterStrategy: JitterType.FULL });

  const requestExpired = Succeed.jsonata(stack, 'Request expired', {
    outputs: { approvalId: '{% $request.approvalId %}', outcome: 'expired', expiredAt: '{% $request.expiresAt %}' },
  });
  const markExpired = DynamoUpdateItem.jsonata(stack, 'Mark expired', {
    table: approvals,
    key,
    // Only a request nobody decided: a decision that lost the race to the deadline is marked by the API.
    updateExpression: 'SET #status = :expired REMOVE taskToken',
    conditionExpression: '#status = :pending',
    expressionAttributeNames: statusName,
    expressionAttributeValues: { ':expired': DynamoAttributeValue.fromString('EXPIRED'), ':pending': DynamoAttributeValue.fromString('PENDING') },
  });
  markExpired.addRetry(retryDynamo);
  markExpired.addCatch(requestExpired, { errors: ['DynamoDB.ConditionalCheckFailedException'] });
  markExpired.addCatch(requestFailed, catchAll);
  markExpired.next(requestExpired);
  waitForDecision.addCatch(markExpired, { errors: ['States.Timeout'] });
  waitForDecision.addCatch(requestFailed, catchAll);

  const grant = DynamoUpdateItem.jsonata(stack, 'Grant access', {
    table: approvals,
    key,
    updateExpression: 'SET #status = :active, activeFrom = :from, activeUntil = :until',
    conditionExpression: '#status = :approved',
    expressionAttributeNames: statusName,
    expressionAttributeValues: {
      ':active': DynamoAttributeValue.fromString('ACTIVE'),
      ':approved': DynamoAttributeValue.fromString('APPROVED'),
      ':from': now,
      ':until': DynamoAttributeValue.fromString('{% $fromMillis($toMillis($states.context.State.EnteredTime) + $request.durationMinutes * 60000) %}'),
    },
  });
  grant.addRetry(retryDynamo);
  grant.addCatch(requestFailed, catchAll);

  // The Wait state: the workflow holds the access window open for as long as was asked, and pays nothing while it does.
  const accessWindow = Wait.jsonata(stack, 'Access window', {
    time: WaitTime.seconds('{% $request.durationMinutes * 60 %}'),
    comment: 'Keeps access open for the approved number of minutes.',
  });

  const revokeFailed = Fail.jsonata(stack, 'Revoke failed', {
    error: 'RevokeFailed',
    cause: "{% 'Access under approval ' & $request.approvalId & ' is still ACTIVE: revoke it by hand.' %}",
  });
  const revoke = DynamoUpdateItem.jsonata(stack, 'Revoke access', {
    table: approvals,
    key,
    updateExpression: 'SET #status = :revoked, revokedAt = :at',
    expressionAttributeNames: statusName,
    expressionAttributeValues: { ':revoked': DynamoAttributeValue.fromString('REVOKED'), ':at': now },
  });
  // Taking access away has to get through: retry every error for about five minutes before calling a person.
  revoke.addRetry({ errors: ['States.ALL'], interval: Duration.seconds(5), maxAttempts: 6, backoffRate: 2, jitterStrategy: JitterType.FULL });
  revoke.addCatch(revokeFailed, { errors: ['States.ALL'] });

  const accessRevoked = Succeed.jsonata(stack, 'Access revoked', {
    outputs: {
      approvalId: '{% $request.approvalId %}',
      outcome: 'approved',
      decidedBy: '{% $decision.decidedBy %}',
      accessMinutes: '{% $request.durationMinutes %}',
    },
  });
  const requestRejected = Succeed.jsonata(stack, 'Request rejected', {
    outputs: { approvalId: '{% $request.approvalId %}', outcome: 'rejected', decidedBy: '{% $decision.decidedBy %}', comment: '{% $decision.comment %}' },
  });
  const unknownDecision = Fail.jsonata(stack, 'Unknown decision', {
    error: 'UnknownDecision',
    cause: 'The callback carried a decision other than approve or reject.',
  });

  const decide = Choice.jsonata(stack, 'Decision', { comment: 'Routes on what the approver sent back.' })
    .when(Condition.jsonata("{% $states.input.decision = 'approve' %}"), grant.next(accessWindow).next(revoke).next(accessRevoked))
    .when(Condition.jsonata("{% $states.input.decision = 'reject' %}"), requestRejected)
    .otherwise(unknownDecision);

  const logs = new LogGroup(stack, 'ApprovalFlowLogs', {
    // The vended-logs prefix keeps the account's log resource policy small as workflows are added.
    logGroupName: `/aws/vendedlogs/states/${stack.stackName}-ApprovalFlow`,
    retention: RetentionDays.ONE_MONTH,
    removalPolicy: RemovalPolicy.DESTROY,
  });

  return new StateMachine(stack, 'ApprovalFlow', {
    // Standard: only Standard workflows can wait for a callback, and they may run for up to a year.
    stateMachineType: StateMachineType.STANDARD,
    queryLanguage: QueryLanguage.JSONATA,
    definitionBody: DefinitionBody.fromChainable(register.next(notify).next(waitForDecision).next(decide)),
    comment: 'Registers an access request, waits for a person to approve or reject it, then grants access for a while.',
    // The longest possible run: the whole approval wait, the longest access window, and headroom.
    timeout: approvalTimeout.plus(Duration.minutes(MAX_ACCESS_MINUTES)).plus(FLOW_MARGIN),
    tracingEnabled: true,
    // Events without data: the data holds the task token, which must not be copied into logs.
    logs: { destination: logs, level: LogLevel.ALL, includeExecutionData: false },
  });
}
