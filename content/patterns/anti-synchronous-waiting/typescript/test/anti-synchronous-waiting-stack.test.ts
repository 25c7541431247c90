import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Match } from 'aws-cdk-lib/assertions';
import { BYTES_SCANNED_CUTOFF, REPORT_SQL } from '../lib/report-data';
import { definitionOf, grantsOf, resourcesOfType, synthesize } from './template';

const { afterTemplate: template, beforeTemplate } = synthesize();
const definition = definitionOf(template);
const [[workflowRoleId]] = resourcesOfType(template, 'AWS::IAM::Role').filter(([id]) => id.startsWith('ReportWorkflowRole')) as [[string, unknown]];

describe('ReportWorkflowStack (the fix)', () => {
  test('starts the report with the .sync Athena integration and then reads its rows', () => {
    assert.equal(definition.StartAt, 'RunReportQuery');
    const run = definition.States.RunReportQuery!;
    assert.equal(run.Resource, 'arn:TOKEN:states:::athena:startQueryExecution.sync');
    assert.deepEqual(run.Parameters, {
      QueryString: REPORT_SQL,
      QueryExecutionContext: { Database: 'reportworkflowstack_reports' },
      ResultConfiguration: {},
      WorkGroup: 'ReportWorkflowStack-reports',
    });
    assert.equal(run.Next, 'ReadReportRows');
    const read = definition.States.ReadReportRows!;
    assert.equal(read.Resource, 'arn:TOKEN:states:::athena:getQueryResults');
    assert.deepEqual(read.Parameters, { 'QueryExecutionId.$': '$.queryExecutionId', MaxResults: 100 });
    assert.equal(read.End, true);
  });

  test('runs no function of its own: nothing is billed by the second while the query runs', () => {
    const functions = resourcesOfType(template, 'AWS::Lambda::Function').map(([id]) => id);
    // The only function is CDK's helper that empties the buckets on `cdk destroy`.
    assert.deepEqual(functions, ['CustomS3AutoDeleteObjectsCustomResourceProviderHandler9D90184F']);
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', { StateMachineType: 'STANDARD' });
  });

  test('waits at most 30 minutes for the query and 40 minutes for the whole run', () => {
    assert.equal(definition.States.RunReportQuery!.TimeoutSeconds, 30 * 60);
    assert.equal(definition.TimeoutSeconds, 40 * 60);
  });

  test('never re-runs a failed query, and retries only the side-effect-free read of its rows', () => {
    assert.equal(definition.States.RunReportQuery!.Retry, undefined);
    assert.equal(definition.States.RunReportQuery!.Catch, undefined);
    assert.deepEqual(definition.States.ReadReportRows!.Retry, [{ ErrorEquals: ['States.TaskFailed'], IntervalSeconds: 2, MaxAttempts: 3, BackoffRate: 2 }]);
  });

  test('stops every query after 1 GiB scanned and keeps results where callers cannot move them', () => {
    assert.equal(BYTES_SCANNED_CUTOFF, 1073741824);
    for (const t of [template, beforeTemplate]) {
      t.hasResourceProperties('AWS::Athena::WorkGroup', {
        WorkGroupConfiguration: Match.objectLike({
          BytesScannedCutoffPerQuery: 1073741824,
          EnforceWorkGroupConfiguration: true,
          ResultConfiguration: Match.objectLike({ EncryptionConfiguration: { EncryptionOption: 'SSE_S3' } }),
        }),
      });
    }
  });

  test('lets the workflow role run and stop queries only in its workgroup and touch only the report data', () => {
    const grants = grantsOf(template, workflowRoleId);
    const on = (prefix: string) => grants.filter((g) => g.action.startsWith(prefix));
    assert.deepEqual(
      on('athena:').map((g) => g.action).sort(),
      ['athena:GetQueryExecution', 'athena:GetQueryResults', 'athena:StartQueryExecution', 'athena:StopQueryExecution'],
    );
    assert.ok(on('athena:').every((g) => g.resource.includes(':workgroup/ReportWorkflowStack-reports')));
    assert.deepEqual([...new Set(on('glue:').map((g) => g.action))].sort(), ['glue:GetDatabase', 'glue:GetPartitions', 'glue:GetTable']);
    assert.ok(on('glue:').every((g) => !g.resource.includes('*')));
    const objects = grants.filter((g) => g.action === 's3:GetObject' || g.action === 's3:PutObject');
    assert.deepEqual(
      objects.map((g) => `${g.action} ${g.resource.includes('ReportsOrdersBucket') ? 'orders' : 'results'} ${/\/(orders|athena)\/\*/.exec(g.resource)?.[1]}`).sort(),
      ['s3:GetObject orders orders', 's3:GetObject results athena', 's3:PutObject results athena'],
    );
    // Only log delivery and X-Ray are granted on "*".
    assert.deepEqual(
      grants.filter((g) => g.resource === '"*"').map((g) => g.action.split(':')[0]).filter((v, i, a) => a.indexOf(v) === i),
      ['logs', 'xray'],
    );
    // No managed policy widens it.
    template.hasResourceProperties('AWS::IAM::Role', { AssumeRolePolicyDocument: Match.anyValue(), ManagedPolicyArns: Match.absent(), Description: Match.stringLikeRegexp('ReportWorkflow') });
  });

  test('is created only after its role may deliver logs', () => {
    const [, machine] = resourcesOfType(template, 'AWS::StepFunctions::StateMachine')[0]!;
    assert.ok(machine.DependsOn?.some((id) => id.startsWith('ReportWorkflowRoleDefaultPolicy')));
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      LoggingConfiguration: Match.objectLike({ Level: 'ALL', IncludeExecutionData: false }),
      TracingConfiguration: { Enabled: true },
    });
  });

  test('alarms on failed and timed-out runs, notifying one alarm topic', () => {
    const alarms = resourcesOfType(template, 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
    assert.deepEqual(alarms.map((a) => a.MetricName).sort(), ['ExecutionsFailed', 'ExecutionsTimedOut']);
    const [[topicId]] = resourcesOfType(template, 'AWS::SNS::Topic') as [[string, unknown]];
    for (const a of alarms) {
      assert.equal(a.Threshold, 1);
      assert.equal(a.Namespace, 'AWS/States');
      assert.deepEqual(a.AlarmActions, [{ Ref: topicId }]);
    }
  });
});
