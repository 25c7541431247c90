import { Aws, RemovalPolicy, Validations, type Stack } from 'aws-cdk-lib';
import {
  AccessLogFormat,
  AwsIntegration,
  EndpointType,
  JsonSchemaType,
  JsonSchemaVersion,
  LogGroupLogDestination,
  Model,
  PassthroughBehavior,
  RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import { Effect, PolicyDocument, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { ACCOUNT_ID_PATTERN, EVENT_ID_PATTERN, EVENT_TYPES, MAX_AMOUNT } from '../lambda/ledger-events';

// The SQS query API expects a form-encoded body; API Gateway sends it with this header.
const CONTENT_TYPE_HEADER = 'integration.request.header.Content-Type';
const FORM_ENCODED = "'application/x-www-form-urlencoded'";
// The query API answers in XML unless asked for JSON; the 202 template reads the JSON form, so ask
// for it explicitly rather than rely on API Gateway's default Accept header.
const ACCEPT_HEADER = 'integration.request.header.Accept';
const JSON_MEDIA_TYPE = "'application/json'";

/**
 * The SendMessage call API Gateway makes for each validated body: the account is the message group
 * (ordering is per account), and the business event id is the deduplication id (a retried POST of the
 * same event is dropped by SQS for five minutes, whatever else changed in the body).
 */
export const SEND_MESSAGE_TEMPLATE = [
  'Action=SendMessage',
  "MessageGroupId=$util.urlEncode($input.path('$.accountId'))",
  "MessageDeduplicationId=$util.urlEncode($input.path('$.eventId'))",
  'MessageBody=$util.urlEncode($input.body)',
].join('&');

/** A REST API whose one method sends the event straight to the FIFO queue, with no function in between. */
export function addLedgerApi(stack: Stack, queue: Queue): RestApi {
  const accessLogs = new LogGroup(stack, 'ApiAccessLogs', {
    retention: RetentionDays.ONE_MONTH,
    removalPolicy: RemovalPolicy.DESTROY,
  });

  const api = new RestApi(stack, 'LedgerApi', {
    description: 'Accepts account ledger events and sends them to the SQS FIFO queue.',
    endpointTypes: [EndpointType.REGIONAL],
    // The API Gateway CloudWatch Logs role is an account-wide setting that access logs need too:
    // this stack relies on the one the Region already has instead of replacing it.
    cloudWatchRole: false,
    deployOptions: {
      stageName: 'v1',
      tracingEnabled: true,
      accessLogDestination: new LogGroupLogDestination(accessLogs),
      accessLogFormat: AccessLogFormat.jsonWithStandardFields(),
      // A backstop for the whole stage, then a tighter limit on the one public method.
      throttlingRateLimit: 50,
      throttlingBurstLimit: 100,
      methodOptions: {
        '/events/POST': { throttlingRateLimit: 20, throttlingBurstLimit: 40 },
      },
    },
  });

  const eventModel = api.addModel('LedgerEventModel', {
    contentType: 'application/json',
    modelName: 'LedgerEvent',
    schema: {
      schema: JsonSchemaVersion.DRAFT4,
      title: 'LedgerEvent',
      type: JsonSchemaType.OBJECT,
      required: ['accountId', 'eventId', 'sequence', 'type', 'amount'],
      additionalProperties: false,
      properties: {
        accountId: { type: JsonSchemaType.STRING, pattern: ACCOUNT_ID_PATTERN },
        eventId: { type: JsonSchemaType.STRING, pattern: EVENT_ID_PATTERN },
        sequence: { type: JsonSchemaType.INTEGER, minimum: 1 },
        type: { type: JsonSchemaType.STRING, enum: [...EVENT_TYPES] },
        amount: { type: JsonSchemaType.INTEGER, minimum: 1, maximum: MAX_AMOUNT },
      },
    },
  });

  const sendRole = new Role(stack, 'ApiSendRole', {
    assumedBy: new ServicePrincipal('apigateway.amazonaws.com'),
    description: 'Lets the ledger API send to the ledger events queue and nothing else.',
    inlinePolicies: {
      SendLedgerEvents: new PolicyDocument({
        statements: [new PolicyStatement({ effect: Effect.ALLOW, actions: ['sqs:SendMessage'], resources: [queue.queueArn] })],
      }),
    },
  });

  const sendIntegration = new AwsIntegration({
    service: 'sqs',
    // The queue's own path, so the call cannot reach any other queue even if the role could.
    path: `${Aws.ACCOUNT_ID}/${queue.queueName}`,
    integrationHttpMethod: 'POST',
    options: {
      credentialsRole: sendRole,
      // Only JSON bodies have a template; anything else is refused with 415, not forwarded.
      passthroughBehavior: PassthroughBehavior.NEVER,
      requestTemplates: { 'application/json': SEND_MESSAGE_TEMPLATE },
      requestParameters: { [CONTENT_TYPE_HEADER]: FORM_ENCODED, [ACCEPT_HEADER]: JSON_MEDIA_TYPE },
      integrationResponses: [
        {
          selectionPattern: '2\\d{2}',
          statusCode: '202',
          responseTemplates: {
            'application/json':
              '{"messageId": "$input.path(\'$.SendMessageResponse.SendMessageResult.MessageId\')", ' +
              '"sequenceNumber": "$input.path(\'$.SendMessageResponse.SendMessageResult.SequenceNumber\')"}',
          },
        },
        {
          // Anything else is our fault, not the caller's; keep SQS's error text out of the response.
          statusCode: '500',
          responseTemplates: { 'application/json': '{"message": "The ledger event could not be queued."}' },
        },
      ],
    },
  });

  api.root.addResource('events').addMethod('POST', sendIntegration, {
    requestValidator: api.addRequestValidator('LedgerEventValidator', {
      requestValidatorName: 'ledger-event',
      validateRequestBody: true,
      validateRequestParameters: true,
    }),
    requestModels: { 'application/json': eventModel },
    methodResponses: [
      { statusCode: '202', responseModels: { 'application/json': Model.EMPTY_MODEL } },
      { statusCode: '500', responseModels: { 'application/json': Model.ERROR_MODEL } },
    ],
  });

  Validations.of(api).acknowledge({
    id: 'AwsSolutions-APIG4',
    reason: 'A public demo endpoint, throttled per method; put an IAM or Cognito authorizer in front before real use.',
  });
  Validations.of(api).acknowledge({
    id: 'AwsSolutions-COG4',
    reason: 'Callers are not Cognito users in this demo; the authorizer choice is left to the adopter (see APIG4).',
  });
  Validations.of(api).acknowledge({
    id: 'AwsSolutions-APIG3',
    reason: 'WAF costs a fixed monthly fee per web ACL; the demo relies on stage and method throttling instead.',
  });
  Validations.of(api).acknowledge({
    id: 'AwsSolutions-APIG6',
    reason: 'Execution logging needs the account-wide API Gateway CloudWatch role; JSON access logs record every request.',
  });

  return api;
}
