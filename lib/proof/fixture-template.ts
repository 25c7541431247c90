// A small synthesized-looking template for the proof tests: an HTTP API, a function writing
// to a table, a queue with a dead-letter queue feeding the function, and CDK plumbing.
import type { Template } from '../content';

const at = (path: string) => ({ 'aws:cdk:path': `DemoStack/${path}` });

export const fixtureTemplate: Template = {
  Resources: {
    Api1A2B3C4D: { Type: 'AWS::ApiGatewayV2::Api', Metadata: at('Api/Resource'), Properties: {} },
    ApiRoute9F8E7D6C: { Type: 'AWS::ApiGatewayV2::Route', Metadata: at('Api/POST--items/Resource'), Properties: {} },
    HandlerRole11111111: { Type: 'AWS::IAM::Role', Metadata: at('HandlerRole/Resource'), Properties: {} },
    HandlerRolePolicy2222: {
      Type: 'AWS::IAM::Policy',
      Metadata: at('HandlerRole/DefaultPolicy/Resource'),
      Properties: {
        Roles: [{ Ref: 'HandlerRole11111111' }],
        PolicyDocument: {
          Statement: [
            { Action: ['dynamodb:PutItem', 'dynamodb:UpdateItem'], Effect: 'Allow', Resource: { 'Fn::GetAtt': ['Items5A5A5A5A', 'Arn'] } },
            { Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'], Effect: 'Allow', Resource: { 'Fn::GetAtt': ['Jobs6B6B6B6B', 'Arn'] } },
            { Action: ['xray:PutTraceSegments'], Effect: 'Allow', Resource: '*' },
          ],
        },
      },
    },
    Handler33333333: {
      Type: 'AWS::Lambda::Function',
      Metadata: at('Handler/Resource'),
      Properties: { Role: { 'Fn::GetAtt': ['HandlerRole11111111', 'Arn'] }, Environment: { Variables: { TABLE: { Ref: 'Items5A5A5A5A' } } } },
    },
    HandlerLogs44444444: { Type: 'AWS::Logs::LogGroup', Metadata: at('HandlerLogs/Resource'), Properties: {} },
    HandlerInvoke55555555: {
      Type: 'AWS::Lambda::Permission',
      Metadata: at('Handler/ApiInvoke'),
      Properties: { FunctionName: { 'Fn::GetAtt': ['Handler33333333', 'Arn'] }, SourceArn: { 'Fn::Join': ['', ['arn:', { Ref: 'Api1A2B3C4D' }, '/*']] } },
    },
    Items5A5A5A5A: { Type: 'AWS::DynamoDB::GlobalTable', Metadata: at('Items/Resource'), Properties: {} },
    JobsDlq7C7C7C7C: { Type: 'AWS::SQS::Queue', Metadata: at('JobsDlq/Resource'), Properties: {} },
    Jobs6B6B6B6B: {
      Type: 'AWS::SQS::Queue',
      Metadata: at('Jobs/Resource'),
      Properties: { RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': ['JobsDlq7C7C7C7C', 'Arn'] }, maxReceiveCount: 3 } },
    },
    HandlerSqs8D8D8D8D: {
      Type: 'AWS::Lambda::EventSourceMapping',
      Metadata: at('Handler/SqsEventSource:DemoStackJobs/Resource'),
      Properties: { EventSourceArn: { 'Fn::GetAtt': ['Jobs6B6B6B6B', 'Arn'] }, FunctionName: { Ref: 'Handler33333333' } },
    },
    AWS679f53fac002430cb0da5b7982bd22872D164C4C: {
      Type: 'AWS::Lambda::Function',
      Metadata: at('AWS679f53fac002430cb0da5b7982bd2287/Resource'),
      Properties: {},
    },
    CDKMetadata: { Type: 'AWS::CDK::Metadata', Metadata: at('CDKMetadata/Default'), Properties: {} },
  },
};

export const fixtureStacks = [{ name: 'DemoStack', template: fixtureTemplate }];

export const matchingDiagram = `flowchart LR
  accTitle: Demo
  accDescr: A demo.
  Client([Client]):::external
  Api["HTTP API: Api"]
  Handler["Lambda: Handler"]
  Items[(Items)]
  Jobs[[Jobs]] -- "batches" --> Handler
  Jobs -. "after 3 tries" .-> JobsDlq[[JobsDlq]]
  Client -->|POST /items| Api --> Handler -- writes --> Items`;

/** Draws a cache the stack does not deploy and forgets the dead-letter queue. */
export const driftingDiagram = `flowchart LR
  accTitle: Demo
  accDescr: A demo that drifted.
  Client([Client]):::external
  Api --> Handler --> Items
  Handler --> Cache[(Cache)]
  Jobs --> Handler`;
