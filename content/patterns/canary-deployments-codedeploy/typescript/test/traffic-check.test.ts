import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type { CodeDeployClient, PutLifecycleEventHookExecutionStatusCommand } from '@aws-sdk/client-codedeploy';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { createHandler } from '../lambda/greeter';
import {
  type HookStatus,
  type Invoke,
  type InvokeResult,
  type LifecycleHookEvent,
  SYNTHETIC_REQUEST,
  codeDeployReport,
  createHook,
  judgeAnswer,
} from '../lambda/traffic-check';

const EVENT: LifecycleHookEvent = { DeploymentId: 'd-ABCDEF123', LifecycleEventHookExecutionId: 'hook-execution-1' };
const TARGET = 'arn:aws:lambda:us-east-1:111122223333:function:Greeter:7';

/** What Lambda's Invoke returns when the function answers with this HTTP response. */
function answered(statusCode: number, body: unknown): InvokeResult {
  return { StatusCode: 200, Payload: new TextEncoder().encode(JSON.stringify({ statusCode, body: JSON.stringify(body) })) };
}

/** Runs one hook with a stubbed invoke and records every report it sends. */
async function runHook(invoke: Invoke, expectedVersion = '7') {
  const reports: [LifecycleHookEvent, HookStatus][] = [];
  const invoked: [string, unknown][] = [];
  const hook = createHook({
    target: TARGET,
    expectedVersion,
    invoke: async (arn, payload) => {
      invoked.push([arn, JSON.parse(payload)]);
      return invoke(arn, payload);
    },
    report: async (event, status) => {
      reports.push([event, status]);
    },
  });
  const status = await hook(EVENT);
  return { status, reports, invoked };
}

describe('traffic hook', () => {
  let original: typeof console.log;
  beforeEach(() => {
    original = console.log;
    console.log = () => {};
  });
  afterEach(() => {
    console.log = original;
  });

  test('reports Succeeded when the target answers 200 with a greeting from the expected version', async () => {
    const { status, reports, invoked } = await runHook(async () => answered(200, { message: 'Hello from version 7.', version: '7' }));
    assert.equal(status, 'Succeeded');
    assert.deepEqual(reports, [[EVENT, 'Succeeded']]);
    assert.deepEqual(invoked, [[TARGET, SYNTHETIC_REQUEST]]);
  });

  test('reports Failed when the answer comes from another version', async () => {
    const { reports } = await runHook(async () => answered(200, { message: 'Hello from version 6.', version: '6' }));
    assert.deepEqual(reports, [[EVENT, 'Failed']]);
  });

  test('reports Failed on a bad answer: an HTTP error, a body that is not JSON, or no greeting', async () => {
    const bad: InvokeResult[] = [
      answered(500, { message: 'broken', version: '7' }),
      { StatusCode: 200, Payload: new TextEncoder().encode('{"statusCode":200,"body":"<html>"}') },
      { StatusCode: 200, Payload: new TextEncoder().encode('null') },
      answered(200, { version: '7' }),
    ];
    for (const result of bad) {
      const { reports } = await runHook(async () => result);
      assert.deepEqual(reports, [[EVENT, 'Failed']], JSON.stringify(result));
    }
  });

  test('reports Failed when the new version throws', async () => {
    const crashed: InvokeResult = {
      StatusCode: 200,
      FunctionError: 'Unhandled',
      Payload: new TextEncoder().encode('{"errorType":"Error","errorMessage":"broken release"}'),
    };
    const { reports } = await runHook(async () => crashed);
    assert.deepEqual(reports, [[EVENT, 'Failed']]);
  });

  test('reports Failed when the invoke itself fails', async () => {
    const { status, reports } = await runHook(async () => {
      throw new Error('AccessDeniedException: not authorized to perform lambda:InvokeFunction');
    });
    assert.equal(status, 'Failed');
    assert.deepEqual(reports, [[EVENT, 'Failed']]);
  });

  test('sends a request the greeter answers, so a healthy version passes', async () => {
    const greeter = createHandler('7');
    const { reports } = await runHook(async (_arn, payload) => {
      const response = await greeter(JSON.parse(payload) as APIGatewayProxyEventV2);
      return { StatusCode: 200, Payload: new TextEncoder().encode(JSON.stringify(response)) };
    });
    assert.deepEqual(reports, [[EVENT, 'Succeeded']]);
  });

  test('explains each failure in its verdict', () => {
    assert.deepEqual(judgeAnswer(answered(200, { message: 'Hi', version: '6' }), '7'), {
      passed: false,
      reason: 'the answer came from version 6, not 7',
    });
    assert.deepEqual(judgeAnswer({ StatusCode: 500 }, '7'), { passed: false, reason: 'Lambda answered the invoke with status 500' });
    assert.deepEqual(judgeAnswer({ StatusCode: 200, Payload: new TextEncoder().encode('null') }, '7'), {
      passed: false,
      reason: 'the answer is not an HTTP response with a JSON body: null',
    });
  });
});

describe('codeDeployReport', () => {
  test('sends the status with PutLifecycleEventHookExecutionStatus and the ids CodeDeploy gave', async () => {
    const sent: { name: string; input: PutLifecycleEventHookExecutionStatusCommand['input'] }[] = [];
    const client = {
      send: async (command: PutLifecycleEventHookExecutionStatusCommand) => {
        sent.push({ name: command.constructor.name, input: command.input });
        return {};
      },
    } as unknown as CodeDeployClient;
    await codeDeployReport(client)(EVENT, 'Failed');
    assert.deepEqual(sent, [
      {
        name: 'PutLifecycleEventHookExecutionStatusCommand',
        input: { deploymentId: 'd-ABCDEF123', lifecycleEventHookExecutionId: 'hook-execution-1', status: 'Failed' },
      },
    ]);
  });
});
