import { type CodeDeployClient, PutLifecycleEventHookExecutionStatusCommand } from '@aws-sdk/client-codedeploy';

/** The event CodeDeploy sends a BeforeAllowTraffic or AfterAllowTraffic hook: the two ids it wants back. */
export interface LifecycleHookEvent {
  DeploymentId: string;
  LifecycleEventHookExecutionId: string;
}

/** The parts of a Lambda Invoke response the check reads. */
export interface InvokeResult {
  StatusCode?: number;
  FunctionError?: string;
  Payload?: Uint8Array;
}

export type HookStatus = 'Succeeded' | 'Failed';
/** Calls a function (a version or an alias ARN) synchronously with a JSON payload. */
export type Invoke = (functionArn: string, payload: string) => Promise<InvokeResult>;
/** Tells CodeDeploy how this run of the hook ended. */
export type Report = (event: LifecycleHookEvent, status: HookStatus) => Promise<void>;
export type Verdict = { passed: true } | { passed: false; reason: string };

/** A GET / as the HTTP API (payload format 2.0) would send it, marked so logs can tell it from real traffic. */
export const SYNTHETIC_REQUEST = {
  version: '2.0',
  routeKey: '$default',
  rawPath: '/',
  rawQueryString: '',
  headers: { 'user-agent': 'codedeploy-traffic-hook' },
  requestContext: {
    http: { method: 'GET', path: '/', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'codedeploy-traffic-hook' },
    requestId: 'codedeploy-traffic-hook',
    routeKey: '$default',
    stage: '$default',
  },
  isBase64Encoded: false,
};

/** Passes only a 200 whose body is a greeting from the version being deployed. */
export function judgeAnswer(result: InvokeResult, expectedVersion: string): Verdict {
  const text = new TextDecoder().decode(result.Payload ?? new Uint8Array());
  if (result.FunctionError) return { passed: false, reason: `the function failed (${result.FunctionError}): ${text.slice(0, 300)}` };
  if (result.StatusCode !== 200) return { passed: false, reason: `Lambda answered the invoke with status ${result.StatusCode}` };
  let answer: { statusCode?: unknown; body?: unknown } | null;
  let body: { message?: unknown; version?: unknown } | null;
  try {
    answer = JSON.parse(text);
    body = JSON.parse(String(answer?.body));
  } catch {
    answer = body = null;
  }
  if (answer === null || typeof body !== 'object' || body === null) {
    return { passed: false, reason: `the answer is not an HTTP response with a JSON body: ${text.slice(0, 300)}` };
  }
  if (answer.statusCode !== 200) return { passed: false, reason: `the function answered HTTP ${String(answer.statusCode)}` };
  if (typeof body.message !== 'string' || body.message.length === 0) return { passed: false, reason: 'the answer carries no greeting' };
  if (body.version !== expectedVersion) {
    return { passed: false, reason: `the answer came from version ${String(body.version)}, not ${expectedVersion}` };
  }
  return { passed: true };
}

export function codeDeployReport(client: CodeDeployClient): Report {
  return async (event, status) => {
    await client.send(
      new PutLifecycleEventHookExecutionStatusCommand({
        deploymentId: event.DeploymentId,
        lifecycleEventHookExecutionId: event.LifecycleEventHookExecutionId,
        status,
      }),
    );
  };
}

export interface HookSettings {
  /** What to call: the new version's ARN before traffic moves, the alias ARN after. */
  target: string;
  /** The version number the answer must name. */
  expectedVersion: string;
  invoke: Invoke;
  report: Report;
}

/**
 * One synthetic request, one verdict, one report. Any failure to get a good answer, including an
 * invoke that throws, becomes Failed: CodeDeploy waits for a report, so the hook must always send one.
 */
export function createHook({ target, expectedVersion, invoke, report }: HookSettings) {
  return async (event: LifecycleHookEvent): Promise<HookStatus> => {
    let verdict: Verdict;
    try {
      verdict = judgeAnswer(await invoke(target, JSON.stringify(SYNTHETIC_REQUEST)), expectedVersion);
    } catch (error) {
      verdict = { passed: false, reason: `the invoke failed: ${String(error)}` };
    }
    const status: HookStatus = verdict.passed ? 'Succeeded' : 'Failed';
    console.log(
      JSON.stringify({
        level: verdict.passed ? 'INFO' : 'ERROR',
        message: 'traffic check',
        deploymentId: event.DeploymentId,
        target,
        expectedVersion,
        status,
        ...(verdict.passed ? {} : { reason: verdict.reason }),
      }),
    );
    await report(event, status);
    return status;
  };
}
