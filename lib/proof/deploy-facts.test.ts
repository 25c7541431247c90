import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Template } from '../content';
import { deployFacts, unguardedIdleCosts } from './deploy-facts';
import { regionFit } from '../content/regions';

const at = (p: string) => ({ 'aws:cdk:path': `Db/${p}/Resource` });
const stack = (resources: Template['Resources']) => [{ name: 'Db', template: { Resources: resources } as Template }];

describe('deployFacts', () => {
  const facts = deployFacts(
    stack({
      Fn1: { Type: 'AWS::Lambda::Function', Metadata: at('Worker'), Properties: { ReservedConcurrentExecutions: 5, LoggingConfig: { LogGroup: { Ref: 'Logs1' } } } },
      Fn2: { Type: 'AWS::Lambda::Function', Metadata: at('Other'), Properties: { ReservedConcurrentExecutions: 10 } },
      Logs1: { Type: 'AWS::Logs::LogGroup', Metadata: at('WorkerLogs'), DeletionPolicy: 'Retain', Properties: {} } as never,
      Db1: { Type: 'AWS::RDS::DBInstance', Metadata: at('Database'), DeletionPolicy: 'Snapshot', Properties: { DBInstanceClass: 'db.t4g.micro', AllocatedStorage: 20, DeletionProtection: true } } as never,
      Bucket1: { Type: 'AWS::S3::Bucket', Metadata: at('Uploads'), Properties: {} },
      Nat1: { Type: 'AWS::EC2::NatGateway', Metadata: at('Vpc/PublicSubnet1/NATGateway'), Properties: {} },
      Vpc1: { Type: 'AWS::EC2::VPC', Metadata: at('Vpc'), Properties: {} },
    }),
  );

  test('sums reserved concurrency and says what quota a new account needs', () => {
    const q = facts.quotas.find((x) => x.quota === 'Lambda concurrent executions')!;
    assert.equal(q.used, 15);
    assert.match(q.note!, /at least 115/);
    assert.deepEqual(facts.quotas.map((x) => x.quota).sort(), ['Lambda concurrent executions', 'NAT gateways per Availability Zone', 'RDS DB instances per Region'.replace('RDS ', ''), 'VPCs per Region'].sort());
  });

  test('prices what bills while idle from the template properties', () => {
    const db = facts.idle.find((i) => i.type === 'AWS::RDS::DBInstance')!;
    assert.equal(db.monthlyUsd, Math.round((0.016 * 730 + 20 * 0.115) * 100) / 100);
    assert.ok(facts.idle.find((i) => i.type === 'AWS::EC2::NatGateway')!.hourly);
  });

  test('lists what destroy keeps and what stops it', () => {
    assert.deepEqual(facts.leftovers.map((l) => [l.path, l.what.split(' ')[0]]).sort(), [
      ['Db/Database/Resource', 'a'],
      ['Db/Other/Resource', 'its'],
      ['Db/WorkerLogs/Resource', 'kept'],
    ]);
    assert.deepEqual(facts.blockers.map((b) => b.path).sort(), ['Db/Database/Resource', 'Db/Uploads/Resource']);
  });

  test('hourly resources need a budget or a written reason naming one of their construct ids', () => {
    const s = stack({ Db1: { Type: 'AWS::RDS::DBInstance', Metadata: at('Database'), Properties: { DBInstanceClass: 'db.t4g.micro' } } });
    const f = deployFacts(s);
    assert.equal(unguardedIdleCosts(s, f, []).length, 1);
    assert.equal(unguardedIdleCosts(s, f, [{ construct: 'Database' }]).length, 0);
    assert.equal(unguardedIdleCosts(s, f, [{ construct: 'Data' }]).length, 1);
    s[0]!.template.Resources.Budget1 = { Type: 'AWS::Budgets::Budget', Properties: {} };
    assert.equal(unguardedIdleCosts(s, f, []).length, 0);
  });

  test('a container image built from a Dockerfile needs Docker to deploy', () => {
    const s = stack({ Task1: { Type: 'AWS::ECS::TaskDefinition', Properties: { ContainerDefinitions: [{ Image: { 'Fn::Sub': '123.dkr.ecr.us-east-1.amazonaws.com/cdk-hnb659fds-container-assets-${AWS::AccountId}-${AWS::Region}:abc' } }] } } });
    assert.equal(deployFacts(s).needsDocker, true);
    assert.equal(facts.needsDocker, false);
  });
});

describe('regionFit', () => {
  const data = { source: 'cfn-lint 0', regions: ['us-east-1', 'af-south-1'], types: { 'AWS::SQS::Queue': '11', 'AWS::MediaLive::Channel': '10' } };
  test('names the Regions that lack a type, and types the data does not know', () => {
    const fit = regionFit(['AWS::SQS::Queue', 'AWS::MediaLive::Channel', 'AWS::Serverless::Application'], data);
    assert.equal(fit.everywhere, false);
    assert.deepEqual(fit.gaps, [{ region: 'af-south-1', types: ['AWS::MediaLive::Channel'] }]);
    assert.deepEqual(fit.unknown, ['AWS::Serverless::Application']);
    assert.equal(regionFit(['AWS::SQS::Queue'], data).everywhere, true);
  });
});

describe('the API Gateway logging role', () => {
  const stage = (props: Record<string, unknown>) => ({ Stage: { Type: 'AWS::ApiGateway::Stage', Metadata: at('Api/Stage'), Properties: props } });
  const logs = { AccessLogSetting: { DestinationArn: { 'Fn::GetAtt': ['Logs', 'Arn'] }, Format: '{}' } };

  test('is needed by a REST stage that writes access or execution logs', () => {
    assert.equal(deployFacts(stack(stage(logs))).needsApiGatewayLogsRole, true);
    assert.equal(deployFacts(stack(stage({ MethodSettings: [{ LoggingLevel: 'ERROR', HttpMethod: '*', ResourcePath: '/*' }] }))).needsApiGatewayLogsRole, true);
  });

  test('is not needed by a stage that logs nothing, or by a stack that sets the role itself', () => {
    assert.equal(deployFacts(stack(stage({ MethodSettings: [{ LoggingLevel: 'OFF', HttpMethod: '*', ResourcePath: '/*' }] }))).needsApiGatewayLogsRole, false);
    assert.equal(deployFacts(stack({ ...stage(logs), Account: { Type: 'AWS::ApiGateway::Account', Metadata: at('Account'), Properties: {} } })).needsApiGatewayLogsRole, false);
  });
});

describe('provisioned concurrency', () => {
  test('counts against the concurrency quota at its auto-scaling maximum, with reserved concurrency', () => {
    const facts = deployFacts(
      stack({
        Fn: { Type: 'AWS::Lambda::Function', Metadata: at('Quote'), Properties: { ReservedConcurrentExecutions: 5 } },
        Live: { Type: 'AWS::Lambda::Alias', Metadata: at('Quote/Live'), Properties: { ProvisionedConcurrencyConfig: { ProvisionedConcurrentExecutions: 2 } } },
        Target: {
          Type: 'AWS::ApplicationAutoScaling::ScalableTarget',
          Metadata: at('Quote/Live/Scaling'),
          Properties: { ScalableDimension: 'lambda:function:ProvisionedConcurrency', MinCapacity: 2, MaxCapacity: 10 },
        },
      }),
    );
    const q = facts.quotas.find((x) => x.quota === 'Lambda concurrent executions')!;
    assert.equal(q.used, 15);
    assert.match(q.note!, /^5 reserved and 2 provisioned, scaling up to 10 by this stack; .* at least 115\./);
  });

  test('a fixed provisioned concurrency with nothing reserved is counted as it is', () => {
    const facts = deployFacts(stack({ Live: { Type: 'AWS::Lambda::Alias', Metadata: at('Live'), Properties: { ProvisionedConcurrencyConfig: { ProvisionedConcurrentExecutions: 3 } } } }));
    assert.match(facts.quotas[0]!.note!, /^3 provisioned by this stack; .* at least 103\./);
  });
});

