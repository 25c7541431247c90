import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { TASK_STARTED_BY } from '../lambda/pipeline-events';
import { runTaskRequest } from '../lambda/extract-request';
import { reservedConcurrency, TheEventbridgeEtlStack, THROTTLE } from '../lib/the-eventbridge-etl-stack';
import { appFromCdkJson } from './cdk-app';

type Statement = { Action: string | string[]; Resource: unknown; Condition?: unknown };

describe('TheEventbridgeEtlStack', () => {
  let stack: TheEventbridgeEtlStack;
  let template: Template;
  const ourFunctions = ['Extractor', 'Transformer', 'Loader', 'Observer'];

  before(() => {
    const app = appFromCdkJson();
    stack = new TheEventbridgeEtlStack(app, 'Under-Test');
    template = Template.fromStack(stack);
  });

  /** The statements of the inline policy attached to the role whose logical id starts with `rolePrefix`. */
  function statementsOf(rolePrefix: string): Statement[] {
    const policies = template.findResources('AWS::IAM::Policy');
    return Object.values(policies)
      .filter((p) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref.startsWith(rolePrefix)))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
  }

  function actionsOf(rolePrefix: string): string[] {
    return statementsOf(rolePrefix)
      .flatMap((s) => [s.Action].flat())
      .sort();
  }

  function functionsByPrefix(): Record<string, any> {
    const all = template.findResources('AWS::Lambda::Function');
    return Object.fromEntries(
      ourFunctions.map((name) => {
        const entry = Object.entries(all).find(([id]) => id.startsWith(name));
        assert.ok(entry, `no function ${name}`);
        return [name, entry[1]];
      }),
    );
  }

  describe('landing', () => {
    test('notifies the upload queue of new .csv objects only', () => {
      template.hasResourceProperties('Custom::S3BucketNotifications', {
        NotificationConfiguration: {
          QueueConfigurations: [
            {
              Events: ['s3:ObjectCreated:*'],
              Filter: { Key: { FilterRules: [{ Name: 'suffix', Value: '.csv' }] } },
              QueueArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^UploadQueue'), 'Arn'] },
            },
          ],
        },
      });
    });

    test('lets a waiting file retry for about half an hour before it is parked in UploadDlq', () => {
      template.hasResourceProperties('AWS::SQS::Queue', {
        VisibilityTimeout: 180,
        RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^UploadDlq'), 'Arn'] }, maxReceiveCount: 10 },
        SqsManagedSseEnabled: true,
      });
    });

    test('blocks public access to the landing bucket and encrypts it', () => {
      template.hasResourceProperties('AWS::S3::Bucket', {
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        BucketEncryption: Match.objectLike({ ServerSideEncryptionConfiguration: Match.anyValue() }),
      });
    });
  });

  describe('throttles', () => {
    test('reserves no concurrency by default, so a new account with a small quota can deploy', () => {
      for (const [name, fn] of Object.entries(functionsByPrefix())) {
        assert.equal(fn.Properties.ReservedConcurrentExecutions, undefined, name);
      }
    });

    test('reserves the given concurrency on every function when deployed with -c reservedConcurrency', () => {
      const withReservation = Template.fromStack(new TheEventbridgeEtlStack(appFromCdkJson({ reservedConcurrency: '3' }), 'Reserved'));
      const fns = Object.entries(withReservation.findResources('AWS::Lambda::Function')).filter(([id]) =>
        ourFunctions.some((name) => id.startsWith(name)),
      );
      assert.equal(fns.length, ourFunctions.length);
      for (const [id, fn] of fns) assert.equal(fn.Properties.ReservedConcurrentExecutions, 3, id);
      assert.equal(reservedConcurrency(undefined), undefined);
      assert.throws(() => reservedConcurrency('0'), /at least 1/);
      assert.throws(() => reservedConcurrency('two'), /whole number/);
    });

    test('feeds the Extractor one file at a time with at most two pollers', () => {
      assert.equal(THROTTLE.extractorPollers, 2);
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        EventSourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^UploadQueue'), 'Arn'] },
        BatchSize: 1,
        ScalingConfig: { MaximumConcurrency: 2 },
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      });
    });

    test('tells the Extractor to run at most two tasks, each publishing at most 20 events a second', () => {
      const env = functionsByPrefix().Extractor.Properties.Environment.Variables;
      assert.equal(env.MAX_RUNNING_TASKS, '2');
      assert.equal(env.MAX_EVENTS_PER_SECOND, '20');
    });

    test('lets throttled rows wait six hours in the Lambda async queue before they count as failed', () => {
      for (const name of ['Transformer', 'Loader', 'Observer']) {
        template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
          FunctionName: { Ref: Match.stringLikeRegexp(`^${name}`) },
          MaximumEventAgeInSeconds: 21600,
          MaximumRetryAttempts: 2,
          DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FailedEvents'), 'Arn'] } } },
        });
      }
    });
  });

  describe('routing', () => {
    function ruleTargeting(fn: string): any {
      const rules = Object.values(template.findResources('AWS::Events::Rule'));
      const rule = rules.find((r) => r.Properties.Targets[0].Arn['Fn::GetAtt'][0].startsWith(fn));
      assert.ok(rule, `no rule targets ${fn}`);
      return rule.Properties;
    }

    test('sends extracted rows to the Transformer', () => {
      assert.deepEqual(ruleTargeting('Transformer').EventPattern, { source: ['etl.extract'], 'detail-type': ['RowExtracted'] });
    });

    test('sends only transformed rows, never rejected ones, to the Loader', () => {
      assert.deepEqual(ruleTargeting('Loader').EventPattern, { source: ['etl.transform'], 'detail-type': ['RowTransformed'] });
    });

    test('sends every event of the pipeline to the Observer', () => {
      assert.deepEqual(ruleTargeting('Observer').EventPattern, { source: [{ prefix: 'etl.' }] });
    });

    test('puts every rule on the ETL bus with retries and a dead-letter queue', () => {
      const rules = Object.values(template.findResources('AWS::Events::Rule')).filter((r) => r.Properties.EventBusName);
      assert.equal(rules.length, 3);
      for (const rule of rules) {
        assert.match(rule.Properties.EventBusName.Ref, /^EtlBus/);
        const [target] = rule.Properties.Targets;
        assert.equal(target.DeadLetterConfig.Arn['Fn::GetAtt'][0].startsWith('FailedEvents'), true);
        assert.deepEqual(target.RetryPolicy, { MaximumEventAgeInSeconds: 7200, MaximumRetryAttempts: 8 });
      }
    });
  });

  describe('extract task', () => {
    test('runs on Fargate arm64 with a read-only file system, CloudWatch logging and no baked-in environment', () => {
      template.hasResourceProperties('AWS::ECS::TaskDefinition', {
        RequiresCompatibilities: ['FARGATE'],
        RuntimePlatform: { CpuArchitecture: 'ARM64', OperatingSystemFamily: 'LINUX' },
        ContainerDefinitions: [
          Match.objectLike({
            Name: 'Extract',
            ReadonlyRootFilesystem: true,
            LogConfiguration: Match.objectLike({ LogDriver: 'awslogs' }),
            Environment: Match.absent(),
          }),
        ],
      });
    });

    test('lives in a VPC without NAT gateways, reachable by nothing and reaching out only over HTTPS', () => {
      template.resourceCountIs('AWS::EC2::NatGateway', 0);
      template.hasResourceProperties('AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Gateway' });
      template.hasResourceProperties('AWS::EC2::SecurityGroup', {
        SecurityGroupIngress: Match.absent(),
        SecurityGroupEgress: [Match.objectLike({ CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 443, ToPort: 443 })],
      });
      template.hasResourceProperties('AWS::EC2::FlowLog', { TrafficType: 'REJECT' });
    });

    test('may read CSV objects from the landing bucket and publish to the bus, nothing else', () => {
      const statements = statementsOf('ExtractTaskTaskRole');
      assert.deepEqual(statements.map((s) => s.Action), ['s3:GetObject', 'events:PutEvents']);
      const [bucketArn, suffix] = (statements[0]?.Resource as any)['Fn::Join'][1];
      assert.match(bucketArn['Fn::GetAtt'][0], /^LandingBucket/);
      assert.equal(suffix, '/*.csv');
    });
  });

  describe('failures and alarms', () => {
    test('reports an extract task that stops with a non-zero exit or fails to start to FailedExtracts', () => {
      const rules = Object.values(template.findResources('AWS::Events::Rule')).filter((r) => !r.Properties.EventBusName);
      assert.equal(rules.length, 1, 'one rule on the default bus, where ECS publishes task state changes');
      const [rule] = rules;
      const [clusterId] = Object.keys(template.findResources('AWS::ECS::Cluster'));
      assert.deepEqual(rule.Properties.EventPattern, {
        source: ['aws.ecs'],
        'detail-type': ['ECS Task State Change'],
        detail: {
          clusterArn: [{ 'Fn::GetAtt': [clusterId, 'Arn'] }],
          startedBy: ['etl-extractor'],
          lastStatus: ['STOPPED'],
          $or: [{ stopCode: ['TaskFailedToStart'] }, { containers: { exitCode: [{ 'anything-but': 0 }] } }],
        },
      });
      const [target] = rule.Properties.Targets;
      assert.match(target.Arn['Fn::GetAtt'][0], /^FailedExtracts/);
      assert.match(target.DeadLetterConfig.Arn['Fn::GetAtt'][0], /^FailedEvents/);
      // The rule only sees tasks the Extractor started, because RunTask tags them the same way.
      const request = runTaskRequest({ bucket: 'b', key: 'k.csv', sequencer: '01' }, {
        clusterArn: 'c', taskDefinitionArn: 't', taskFamily: 'f', containerName: 'Extract', subnetIds: ['s'],
        securityGroupId: 'sg', eventBusName: 'bus', maxRunningTasks: 2, maxEventsPerSecond: 20,
      });
      assert.equal(request.startedBy, TASK_STARTED_BY);
      assert.equal(TASK_STARTED_BY, 'etl-extractor');
    });

    test('alarms on every queue where a file or a row can end up instead of the table', () => {
      for (const queue of ['UploadDlq', 'FailedEvents', 'FailedExtracts']) {
        const [queueId] = Object.keys(template.findResources('AWS::SQS::Queue')).filter((id) => id.startsWith(queue));
        template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          MetricName: 'ApproximateNumberOfMessagesVisible',
          Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
          Statistic: 'Maximum',
          Period: 60,
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          TreatMissingData: 'notBreaching',
        });
      }
    });

    test('alarms on errors of every pipeline function', () => {
      for (const name of ourFunctions) {
        template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          MetricName: 'Errors',
          Dimensions: [{ Name: 'FunctionName', Value: { Ref: Match.stringLikeRegexp(`^${name}[0-9A-F]{8}$`) } }],
          Statistic: 'Sum',
          Period: 300,
          Threshold: 1,
        });
      }
    });

    test('sends every alarm to the one alarm topic, which refuses plain HTTP', () => {
      const topics = template.findResources('AWS::SNS::Topic');
      assert.deepEqual(Object.keys(topics).map((id) => id.replace(/[0-9A-F]{8}$/, '')), ['AlarmTopic']);
      const [topicId] = Object.keys(topics);
      const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
      assert.equal(alarms.length, 7);
      for (const alarm of alarms) assert.deepEqual(alarm.Properties.AlarmActions, [{ Ref: topicId }]);
      template.hasResourceProperties('AWS::SNS::TopicPolicy', {
        PolicyDocument: { Statement: [Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })] },
      });
    });

    test('subscribes an e-mail address to the alarm topic only when alarmEmail is set', () => {
      template.resourceCountIs('AWS::SNS::Subscription', 0);
      const withEmail = Template.fromStack(new TheEventbridgeEtlStack(appFromCdkJson({ alarmEmail: 'ops@example.com' }), 'WithEmail'));
      withEmail.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
    });
  });

  describe('permissions', () => {
    test('gives every function a role of its own', () => {
      const roles = Object.values(functionsByPrefix()).map((fn) => fn.Properties.Role['Fn::GetAtt'][0]);
      assert.equal(new Set(roles).size, ourFunctions.length);
    });

    test('lets the Extractor run only this task definition on this cluster and pass only its two roles', () => {
      const statements = statementsOf('ExtractorRole');
      const ecs = statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('ecs:')));
      assert.deepEqual(ecs.map((s) => s.Action).sort(), ['ecs:ListTasks', 'ecs:RunTask']);
      const [clusterId] = Object.keys(template.findResources('AWS::ECS::Cluster'));
      for (const s of ecs) assert.deepEqual(s.Condition, { ArnEquals: { 'ecs:cluster': { 'Fn::GetAtt': [clusterId, 'Arn'] } } });
      const passRole = statements.find((s) => s.Action === 'iam:PassRole');
      assert.ok(passRole);
      assert.deepEqual(passRole.Condition, { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } });
      assert.equal((passRole.Resource as unknown[]).length, 2);
    });

    test('keeps each step to the one data action it needs', () => {
      const data = (role: string) => actionsOf(role).filter((a) => /^(dynamodb|events|s3):/.test(a));
      assert.deepEqual(data('TransformerRole'), ['events:PutEvents']);
      assert.deepEqual(data('LoaderRole'), ['dynamodb:PutItem']);
      assert.deepEqual(data('ObserverRole'), []);
      assert.deepEqual(data('ExtractorRole'), []);
    });

    test('uses no AWS managed policy on the pipeline roles', () => {
      const roles = template.findResources('AWS::IAM::Role');
      for (const [id, role] of Object.entries(roles)) {
        // CDK's own deployment helpers: the bucket notification handler, and the provider that strips the
        // VPC's default security group of its rules (feature flag @aws-cdk/aws-ec2:restrictDefaultSecurityGroup).
        if (id.startsWith('BucketNotificationsHandler') || id.startsWith('CustomVpcRestrictDefaultSGCustomResourceProvider')) continue;
        assert.equal(role.Properties.ManagedPolicyArns, undefined, id);
      }
    });
  });

  test('keys the orders table by order id, so reloading a row overwrites it', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: [{ AttributeName: 'orderId', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    });
  });

  test('runs every pipeline function on Node.js 24, arm64, with tracing', () => {
    for (const [name, fn] of Object.entries(functionsByPrefix())) {
      assert.equal(fn.Properties.Runtime, 'nodejs24.x', name);
      assert.deepEqual(fn.Properties.Architectures, ['arm64'], name);
      assert.deepEqual(fn.Properties.TracingConfig, { Mode: 'Active' }, name);
    }
  });

  test('passes the AwsSolutions and Serverless cdk-nag packs with every exception acknowledged', () => {
    // Also with -c alarmEmail: the e-mail subscription is a resource of its own that the packs check.
    const withEmail = new TheEventbridgeEtlStack(appFromCdkJson({ alarmEmail: 'ops@example.com' }), 'Nag-With-Email');
    for (const scope of [stack, withEmail]) {
      for (const pack of [new AwsSolutionsChecks(), new ServerlessChecks()]) {
        const report = pack.validateScope(scope);
        const open = report.violations.map((v) => `${v.ruleName}: ${v.description}`);
        assert.deepEqual(open, [], `${pack.name} has unacknowledged findings in ${scope.node.id}`);
      }
    }
  });
});
