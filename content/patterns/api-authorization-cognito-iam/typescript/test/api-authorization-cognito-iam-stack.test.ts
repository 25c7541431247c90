import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { ApiAuthorizationCognitoIamStack } from '../lib/api-authorization-cognito-iam-stack';
import { appFromCdkJson } from './cdk-app';

type Resource = { Type: string; Properties: Record<string, any>; DeletionPolicy?: string };

/** Renders Fn::Join / Ref / GetAtt as one readable string, e.g. arn:<AWS::Partition>:...:<OrdersApi...>/v1/GET/... */
function render(value: unknown): string {
  if (typeof value === 'string') return value;
  const v = value as Record<string, any>;
  if (v.Ref) return `<${v.Ref}>`;
  if (v['Fn::GetAtt']) return `<${v['Fn::GetAtt'].join('.')}>`;
  if (v['Fn::Join']) return (v['Fn::Join'][1] as unknown[]).map(render).join(v['Fn::Join'][0]);
  return JSON.stringify(value);
}

describe('ApiAuthorizationCognitoIamStack', () => {
  let stack: ApiAuthorizationCognitoIamStack;
  let template: Template;
  let resources: Record<string, Resource>;
  const logicalId = (type: string) => {
    const ids = Object.keys(template.findResources(type));
    assert.equal(ids.length, 1, `one ${type}`);
    return ids[0];
  };
  /** Every method with its full path, e.g. "GET /internal/orders/{owner}". */
  const methods = () => {
    const pathOf = (ref: unknown): string => {
      const id = (ref as { Ref?: string }).Ref;
      if (!id || resources[id]?.Type !== 'AWS::ApiGateway::Resource') return '';
      return `${pathOf(resources[id].Properties.ParentId)}/${resources[id].Properties.PathPart}`;
    };
    return Object.fromEntries(
      Object.values(resources)
        .filter((r) => r.Type === 'AWS::ApiGateway::Method')
        .map((r) => [`${r.Properties.HttpMethod} ${pathOf(r.Properties.ResourceId)}`, r.Properties]),
    );
  };

  before(() => {
    stack = new ApiAuthorizationCognitoIamStack(appFromCdkJson(), 'Under-Test');
    template = Template.fromStack(stack);
    resources = template.toJSON().Resources;
  });

  test('gives each people route the Cognito authorizer and exactly its scope', () => {
    const authorizer = logicalId('AWS::ApiGateway::Authorizer');
    template.hasResourceProperties('AWS::ApiGateway::Authorizer', {
      Type: 'COGNITO_USER_POOLS',
      IdentitySource: 'method.request.header.Authorization',
      ProviderARNs: [{ 'Fn::GetAtt': [logicalId('AWS::Cognito::UserPool'), 'Arn'] }],
    });
    const m = methods();
    for (const [route, scope] of [['GET /orders', 'orders/read'], ['POST /orders', 'orders/write']]) {
      assert.equal(m[route].AuthorizationType, 'COGNITO_USER_POOLS', route);
      assert.deepEqual(m[route].AuthorizerId, { Ref: authorizer }, route);
      assert.deepEqual(m[route].AuthorizationScopes, [scope], route);
    }
  });

  test('puts the service routes behind IAM with no Cognito authorizer or scopes', () => {
    const m = methods();
    assert.deepEqual(Object.keys(m).sort(), ['GET /internal/orders/{owner}', 'GET /orders', 'POST /internal/orders/{owner}', 'POST /orders']);
    for (const route of ['GET /internal/orders/{owner}', 'POST /internal/orders/{owner}']) {
      assert.equal(m[route].AuthorizationType, 'AWS_IAM', route);
      assert.equal(m[route].AuthorizerId, undefined, route);
      assert.equal(m[route].AuthorizationScopes, undefined, route);
    }
  });

  test('lets the service role invoke only GET and POST on /internal/orders in the v1 stage', () => {
    const api = logicalId('AWS::ApiGateway::RestApi');
    const policy = logicalId('AWS::IAM::ManagedPolicy');
    const statements = resources[policy].Properties.PolicyDocument.Statement as { Effect: string; Action: unknown; Resource: unknown[] }[];
    assert.deepEqual(
      statements.map((s) => [s.Effect, s.Action, s.Resource.map(render)]),
      [
        [
          'Allow',
          'execute-api:Invoke',
          [
            `arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:<${api}>/v1/GET/internal/orders/*`,
            `arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:<${api}>/v1/POST/internal/orders/*`,
          ],
        ],
      ],
    );
    const [role] = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::IAM::Role' && r.Properties.ManagedPolicyArns);
    assert.deepEqual(role[1].Properties.ManagedPolicyArns, [{ Ref: policy }]);
    assert.equal(render(role[1].Properties.AssumeRolePolicyDocument.Statement[0].Principal.AWS), 'arn:<AWS::Partition>:iam::<AWS::AccountId>:root');
    assert.equal(role[1].Properties.MaxSessionDuration, 3600);
    // Nothing else is attached to the service role.
    const inline = Object.values(resources).filter((r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.Roles).includes(role[0]));
    assert.deepEqual(inline, []);
  });

  test('locks down the user pool: invitation only, TOTP MFA required, strong passwords, Essentials plan', () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      MfaConfiguration: 'ON',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      UserPoolTier: 'ESSENTIALS',
      UsernameAttributes: ['email'],
      Policies: {
        PasswordPolicy: {
          MinimumLength: 14,
          RequireLowercase: true,
          RequireUppercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
          TemporaryPasswordValidityDays: 3,
        },
      },
    });
  });

  test('deletes the user pool and every user in it on cdk destroy', () => {
    const pool = resources[logicalId('AWS::Cognito::UserPool')];
    assert.equal(pool.DeletionPolicy, 'Delete');
    assert.equal(pool.Properties.DeletionProtection, 'INACTIVE');
  });

  test('defines the orders scopes and a public client limited to the code grant', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolResourceServer', {
      Identifier: 'orders',
      Scopes: [
        { ScopeName: 'read', ScopeDescription: Match.anyValue() },
        { ScopeName: 'write', ScopeDescription: Match.anyValue() },
      ],
    });
    const client = resources[logicalId('AWS::Cognito::UserPoolClient')].Properties;
    assert.equal(client.GenerateSecret, false);
    assert.deepEqual(client.AllowedOAuthFlows, ['code']);
    assert.equal(client.AllowedOAuthFlowsUserPoolClient, true);
    const server = logicalId('AWS::Cognito::UserPoolResourceServer');
    assert.deepEqual(client.AllowedOAuthScopes.map(render).sort(), [`<${server}>/read`, `<${server}>/write`, 'email', 'openid']);
    assert.deepEqual(client.SupportedIdentityProviders, ['COGNITO']);
    assert.deepEqual(client.CallbackURLs, ['http://localhost:8080/callback']);
    assert.equal(client.PreventUserExistenceErrors, 'ENABLED');
  });

  test('derives the hosted domain prefix from the stack id unless one is given, and refuses invalid ones', () => {
    const domain = template.toJSON().Resources[logicalId('AWS::Cognito::UserPoolDomain')].Properties.Domain;
    const uuidTail = { 'Fn::Select': [4, { 'Fn::Split': ['-', { 'Fn::Select': [2, { 'Fn::Split': ['/', { Ref: 'AWS::StackId' }] }] }] }] };
    assert.deepEqual(domain, { 'Fn::Join': ['', ['orders-', uuidTail]] });

    const chosen = Template.fromStack(new ApiAuthorizationCognitoIamStack(appFromCdkJson({ authDomainPrefix: 'acme-orders-login' }), 'Chosen'));
    chosen.hasResourceProperties('AWS::Cognito::UserPoolDomain', { Domain: 'acme-orders-login' });
    for (const bad of ['my-cognito-login', 'Acme', '-acme', 'acme_orders']) {
      assert.throws(() => new ApiAuthorizationCognitoIamStack(appFromCdkJson({ authDomainPrefix: bad }), 'Bad'), /authDomainPrefix/, bad);
    }
    assert.throws(() => new ApiAuthorizationCognitoIamStack(appFromCdkJson({ callbackUrl: 'http://app.example.com/cb' }), 'BadUrl'), /callbackUrl/);
  });

  test('validates order bodies and the owner parameter before invoking the function', () => {
    template.hasResourceProperties('AWS::ApiGateway::RequestValidator', { ValidateRequestBody: true, ValidateRequestParameters: true });
    const model = logicalId('AWS::ApiGateway::Model');
    template.hasResourceProperties('AWS::ApiGateway::Model', {
      Schema: Match.objectLike({
        required: ['item', 'quantity'],
        additionalProperties: false,
        properties: { item: { type: 'string', minLength: 1, maxLength: 100 }, quantity: { type: 'integer', minimum: 1, maximum: 100 } },
      }),
    });
    const m = methods();
    for (const route of ['POST /orders', 'POST /internal/orders/{owner}']) {
      assert.deepEqual(m[route].RequestModels, { 'application/json': { Ref: model } }, route);
      assert.ok(m[route].RequestValidatorId, route);
    }
    for (const route of ['GET /internal/orders/{owner}', 'POST /internal/orders/{owner}']) {
      assert.deepEqual(m[route].RequestParameters, { 'method.request.path.owner': true }, route);
    }
  });

  test('throttles the v1 stage and logs who called on every line', () => {
    const stage = Object.values(template.findResources('AWS::ApiGateway::Stage'))[0].Properties;
    assert.equal(stage.StageName, 'v1');
    assert.deepEqual(stage.MethodSettings, [
      { DataTraceEnabled: false, HttpMethod: '*', LoggingLevel: 'OFF', ResourcePath: '/*', ThrottlingBurstLimit: 100, ThrottlingRateLimit: 50 },
    ]);
    const format = JSON.parse(stage.AccessLogSetting.Format);
    assert.equal(format.user, '$context.authorizer.claims.sub');
    assert.equal(format.caller, '$context.identity.userArn');
    assert.equal(format.error, '$context.error.responseType');
  });

  test('lets the function only query and put orders, and only the v1 stage invoke it', () => {
    const table = logicalId('AWS::DynamoDB::GlobalTable');
    const dynamo = Object.values(template.findResources('AWS::IAM::Policy'))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[])
      .filter((s) => [s.Action].flat().some((a) => a.startsWith('dynamodb:')));
    assert.deepEqual(dynamo.map((s) => [s.Action, s.Resource]), [[['dynamodb:PutItem', 'dynamodb:Query'], { 'Fn::GetAtt': [table, 'Arn'] }]]);
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: Match.objectLike({ Statement: [Match.objectLike({ Principal: { Service: 'lambda.amazonaws.com' } })] }),
      ManagedPolicyArns: Match.absent(),
    });
    const stage = logicalId('AWS::ApiGateway::Stage');
    const sources = Object.values(template.findResources('AWS::Lambda::Permission')).map((p) => render(p.Properties.SourceArn).split('/').slice(1).join('/'));
    assert.deepEqual(sources.sort(), ['GET/internal/orders/*', 'GET/orders', 'POST/internal/orders/*', 'POST/orders'].map((r) => `<${stage}>/${r}`));
  });

  test('alarms on 5xx answers, a burst of rejections and function errors, notifying one alarm topic', () => {
    const topic = logicalId('AWS::SNS::Topic');
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);
    assert.deepEqual(
      alarms.map((a) => [a.Namespace, a.MetricName, a.Statistic, a.Period, a.Threshold, a.ComparisonOperator]).sort(),
      [
        ['AWS/ApiGateway', '4XXError', 'Sum', 300, 50, 'GreaterThanOrEqualToThreshold'],
        ['AWS/ApiGateway', '5XXError', 'Sum', 300, 1, 'GreaterThanOrEqualToThreshold'],
        ['AWS/Lambda', 'Errors', 'Sum', 300, 1, 'GreaterThanOrEqualToThreshold'],
      ],
    );
    for (const alarm of alarms) assert.deepEqual(alarm.AlarmActions, [{ Ref: topic }]);
    template.resourceCountIs('AWS::SNS::Subscription', 0);
    const withEmail = Template.fromStack(new ApiAuthorizationCognitoIamStack(appFromCdkJson({ alarmEmail: 'ops@example.com' }), 'With-Email'));
    withEmail.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
  });

  test('passes the AwsSolutions and Serverless cdk-nag packs with every exception acknowledged', () => {
    const withEmail = new ApiAuthorizationCognitoIamStack(appFromCdkJson({ alarmEmail: 'ops@example.com' }), 'Nag-With-Email');
    for (const scope of [stack, withEmail]) {
      for (const pack of [new AwsSolutionsChecks(), new ServerlessChecks()]) {
        const open = pack.validateScope(scope).violations.map((v) => `${v.ruleName}: ${v.description}`);
        assert.deepEqual(open, [], `${pack.name} has unacknowledged findings`);
      }
    }
  });
});
