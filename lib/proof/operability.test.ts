import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { alarmedStack, fixtureAlarm, unalarmedStack } from './operability-fixtures';
import { asyncFunctions, failureDestinations, operabilityProblems, operationsPlumbing } from './operability';
import { architecturalResources, stackResources } from './architecture';

describe('operabilityProblems', () => {
  test('an unalarmed dead-letter queue and queue-fed function are named with what is missing', () => {
    const problems = operabilityProblems('OpsStack', unalarmedStack());
    assert.deepEqual(problems.map((p) => p.resource).sort(), ['OpsStack/JobsDlq/Resource', 'OpsStack/Worker/Resource']);
    assert.match(problems.find((p) => p.resource.includes('JobsDlq'))!.missing, /alarm on this dead-letter queue \(used by the redrive policy of Jobs2222\)/);
    assert.match(problems.find((p) => p.resource.includes('Worker'))!.missing, /Errors metric: it is fed by an event source mapping/);
  });

  test('a stack with a DLQ alarm and an Errors alarm on one topic passes', () => {
    assert.deepEqual(operabilityProblems('OpsStack', alarmedStack()), []);
  });

  test('an alarm that notifies nobody is a problem', () => {
    const t = alarmedStack();
    t.Resources.Silent8888 = fixtureAlarm('Silent', 'AWS/Lambda', 'Throttles', 'FunctionName', 'Worker4444', []);
    assert.deepEqual(operabilityProblems('OpsStack', t).map((p) => [p.resource, /notifies nobody/.test(p.missing)]), [['OpsStack/Silent/Resource', true]]);
  });

  test('alarms that notify two topics break the one-topic rule', () => {
    const t = alarmedStack();
    t.Resources.OtherTopic9999 = { Type: 'AWS::SNS::Topic', Properties: {} };
    t.Resources.Other1010 = fixtureAlarm('Other', 'AWS/Lambda', 'Throttles', 'FunctionName', 'Worker4444', [{ Ref: 'OtherTopic9999' }]);
    assert.match(operabilityProblems('OpsStack', t)[0]!.missing, /one alarm topic per stack; alarms notify 2 topics/);
  });

  test('an alarm on another metric of the function does not count as its Errors alarm', () => {
    const t = alarmedStack();
    t.Resources.WorkerErrorsAlarm7777 = fixtureAlarm('WorkerErrorsAlarm', 'AWS/Lambda', 'Duration', 'FunctionName', 'Worker4444');
    assert.deepEqual(operabilityProblems('OpsStack', t).map((p) => p.resource), ['OpsStack/Worker/Resource']);
  });
});

describe('what the rules look for', () => {
  test('functions behind S3, SNS and EventBridge permissions, aliases included, are asynchronous', () => {
    const t = unalarmedStack();
    t.Resources.Alias1 = { Type: 'AWS::Lambda::Alias', Properties: { FunctionName: { Ref: 'Worker4444' } } };
    t.Resources.Api2 = { Type: 'AWS::Lambda::Function', Properties: {} };
    t.Resources.Perm3 = { Type: 'AWS::Lambda::Permission', Properties: { FunctionName: { Ref: 'Alias1' }, Principal: 's3.amazonaws.com' } };
    t.Resources.Perm4 = { Type: 'AWS::Lambda::Permission', Properties: { FunctionName: { 'Fn::GetAtt': ['Api2', 'Arn'] }, Principal: 'apigateway.amazonaws.com' } };
    assert.deepEqual([...asyncFunctions(t.Resources).keys()], ['Worker4444']);
  });

  test('on-failure destinations of event source mappings and async invokes are found', () => {
    const t = unalarmedStack();
    t.Resources.Failed1 = { Type: 'AWS::SNS::Topic', Properties: {} };
    t.Resources.Invoke2 = { Type: 'AWS::Lambda::EventInvokeConfig', Properties: { FunctionName: { Ref: 'Worker4444' }, DestinationConfig: { OnFailure: { Destination: { Ref: 'Failed1' } } } } };
    assert.deepEqual(failureDestinations(t.Resources).map((d) => [d.target, d.source]), [['JobsDlq3333', undefined], ['Failed1', 'Worker4444']]);
    assert.match(operabilityProblems('OpsStack', t).map((p) => p.missing).join('\n'), /on-failure topic/);
  });

  test('alarms and their topic are operations plumbing, left out of the architecture', () => {
    const t = alarmedStack();
    assert.deepEqual([...operationsPlumbing(t)].sort(), ['AlarmTopic1111', 'JobsDlqAlarm6666', 'WorkerErrorsAlarm7777']);
    const arch = architecturalResources(stackResources([{ name: 'OpsStack', template: t }])).map((r) => r.logicalId);
    assert.deepEqual(arch.sort(), ['Jobs2222', 'JobsDlq3333', 'Worker4444']);
  });

  test('a topic that also carries business events is architecture, not plumbing', () => {
    const t = alarmedStack();
    t.Resources.Publisher = { Type: 'AWS::IAM::Policy', Properties: { PolicyDocument: { Statement: [{ Action: 'sns:Publish', Resource: { Ref: 'AlarmTopic1111' } }] } } };
    assert.ok(!operationsPlumbing(t).has('AlarmTopic1111'));
  });
});
