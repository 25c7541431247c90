// The hook's entry point: wiring only. The check itself lives in traffic-check.ts, where the tests run it.
import { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { codeDeployReport, createHook } from './traffic-check';

function setting(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

// Created once per execution environment, so a retried invocation reuses the connections.
const lambda = new LambdaClient({});
export const handler = createHook({
  target: setting('TARGET_FUNCTION_ARN'),
  expectedVersion: setting('EXPECTED_VERSION'),
  invoke: (functionArn, payload) =>
    lambda.send(new InvokeCommand({ FunctionName: functionArn, InvocationType: 'RequestResponse', Payload: new TextEncoder().encode(payload) })),
  report: codeDeployReport(new CodeDeployClient({})),
});
