// A function that starts a slow job and then polls it until it ends has one tell-tale sign in
// its template: its role may call both the API that starts the job and the API that reads the
// job's status. Either alone is fine (fire and forget; a status lookup); together they mean the
// function can wait for the job, and the usual way it waits is sleep, check, repeat.
import type { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel, NagRuleCompliance } from 'cdk-nag';
import type { AntiPatternRule } from '../rule';
import {
  actionMatches,
  asArray,
  functionRoleId,
  grantedOn,
  logicalIdOf,
  managedPolicyStatements,
  referencedIds,
  resourceOf,
  resourcesOf,
  roleStatements,
  type Resource,
  type Statement,
} from '../resources';

/** An asynchronous job API: the calls that start a job, and the calls that read how it is doing. */
export type JobApi = { readonly name: string; readonly start: readonly string[]; readonly status: readonly string[] };

/**
 * Job APIs whose start call returns at once with an id, leaving the caller to ask again until the
 * job ends. Each is a pair only within one entry: `glue:StartJobRun` with `glue:GetJob` (the job's
 * definition, not a run) is not a pair.
 */
export const JOB_APIS: readonly JobApi[] = [
  { name: 'Athena query', start: ['athena:StartQueryExecution'], status: ['athena:GetQueryExecution', 'athena:BatchGetQueryExecution'] },
  { name: 'Glue job run', start: ['glue:StartJobRun'], status: ['glue:GetJobRun', 'glue:GetJobRuns'] },
  { name: 'Glue crawler', start: ['glue:StartCrawler'], status: ['glue:GetCrawler', 'glue:GetCrawlers'] },
  { name: 'Glue workflow run', start: ['glue:StartWorkflowRun'], status: ['glue:GetWorkflowRun'] },
  { name: 'Step Functions execution', start: ['states:StartExecution'], status: ['states:DescribeExecution'] },
  { name: 'CodeBuild build', start: ['codebuild:StartBuild'], status: ['codebuild:BatchGetBuilds'] },
  { name: 'Batch job', start: ['batch:SubmitJob'], status: ['batch:DescribeJobs'] },
  { name: 'ECS task', start: ['ecs:RunTask'], status: ['ecs:DescribeTasks'] },
  { name: 'EMR Serverless job run', start: ['emr-serverless:StartJobRun'], status: ['emr-serverless:GetJobRun'] },
  { name: 'EMR step', start: ['elasticmapreduce:AddJobFlowSteps'], status: ['elasticmapreduce:DescribeStep'] },
  { name: 'Redshift Data API statement', start: ['redshift-data:ExecuteStatement', 'redshift-data:BatchExecuteStatement'], status: ['redshift-data:DescribeStatement'] },
  { name: 'Systems Manager command', start: ['ssm:SendCommand'], status: ['ssm:GetCommandInvocation'] },
  { name: 'Transcribe job', start: ['transcribe:StartTranscriptionJob'], status: ['transcribe:GetTranscriptionJob'] },
  { name: 'Textract document analysis', start: ['textract:StartDocumentAnalysis'], status: ['textract:GetDocumentAnalysis'] },
  { name: 'Textract text detection', start: ['textract:StartDocumentTextDetection'], status: ['textract:GetDocumentTextDetection'] },
  { name: 'Textract expense analysis', start: ['textract:StartExpenseAnalysis'], status: ['textract:GetExpenseAnalysis'] },
  { name: 'Rekognition label detection', start: ['rekognition:StartLabelDetection'], status: ['rekognition:GetLabelDetection'] },
  { name: 'Rekognition content moderation', start: ['rekognition:StartContentModeration'], status: ['rekognition:GetContentModeration'] },
  { name: 'Polly speech synthesis task', start: ['polly:StartSpeechSynthesisTask'], status: ['polly:GetSpeechSynthesisTask'] },
  { name: 'MediaConvert job', start: ['mediaconvert:CreateJob'], status: ['mediaconvert:GetJob'] },
  { name: 'SageMaker training job', start: ['sagemaker:CreateTrainingJob'], status: ['sagemaker:DescribeTrainingJob'] },
  { name: 'SageMaker processing job', start: ['sagemaker:CreateProcessingJob'], status: ['sagemaker:DescribeProcessingJob'] },
  { name: 'SageMaker transform job', start: ['sagemaker:CreateTransformJob'], status: ['sagemaker:DescribeTransformJob'] },
  { name: 'Bedrock asynchronous invocation', start: ['bedrock:StartAsyncInvoke'], status: ['bedrock:GetAsyncInvoke'] },
  { name: 'Bedrock batch inference job', start: ['bedrock:CreateModelInvocationJob'], status: ['bedrock:GetModelInvocationJob'] },
];

/**
 * AWS managed policies that tutorials attach to functions and that hold a whole job API. The rule
 * cannot read an AWS managed policy from the template, so it knows these few by name.
 */
const MANAGED_POLICY_ACTIONS: Readonly<Record<string, readonly string[]>> = {
  AmazonAthenaFullAccess: ['athena:*'],
  AWSGlueServiceRole: ['glue:*'],
  AWSStepFunctionsFullAccess: ['states:*'],
  AWSCodeBuildAdminAccess: ['codebuild:*'],
  AWSBatchFullAccess: ['batch:*'],
  AmazonECS_FullAccess: ['ecs:*'],
  AmazonRedshiftDataFullAccess: ['redshift-data:*'],
  AmazonTranscribeFullAccess: ['transcribe:*'],
  AmazonTextractFullAccess: ['textract:*'],
  AmazonRekognitionFullAccess: ['rekognition:*'],
  AmazonPollyFullAccess: ['polly:*'],
  AmazonSageMakerFullAccess: ['sagemaker:*'],
};

/** CDK's AwsCustomResource runs every SDK call of a stack through this one singleton function. */
const AWS_CUSTOM_RESOURCE_SINGLETON = 'AWS679f53fac002430cb0da5b7982bd2287';

/** Statements standing for the AWS managed policies the rule knows by name. */
function awsManagedPolicyStatements(resources: Map<string, Resource>, roleId: string): Statement[] {
  const arns = asArray(resources.get(roleId)?.properties.ManagedPolicyArns).map((arn) => JSON.stringify(arn));
  return Object.entries(MANAGED_POLICY_ACTIONS)
    .filter(([name]) => arns.some((arn) => new RegExp(`policy/(service-role/)?${name}"`).test(arn)))
    .map(([, actions]) => ({ actions: [...actions], resources: ['*'] }));
}

/**
 * Whether the statements allow an action. A bare "*" is left out: an administrator role can do
 * everything, which says nothing about what the function does (AwsSolutions-IAM5 reports it).
 */
function mayCall(statements: Statement[], action: string): boolean {
  return statements.some((s) => s.actions.some((a) => a !== '*' && actionMatches(a, action)));
}

/** The first job API the statements may both start and read the status of. */
export function pollableJobApi(statements: Statement[]): JobApi | undefined {
  return JOB_APIS.find((api) => api.start.some((a) => mayCall(statements, a)) && api.status.some((a) => mayCall(statements, a)));
}

function environmentOf(fn: Resource): Record<string, unknown> {
  return ((fn.properties.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {}) as Record<string, unknown>;
}

/**
 * The custom-resource Provider framework calls a user's isComplete handler on a schedule it owns
 * (a waiter state machine), which is the right way to wait in a custom resource. A handler of a
 * Provider that has an isComplete handler is therefore not polling by itself.
 */
function servesProviderWithIsComplete(resources: Map<string, Resource>, fnId: string): boolean {
  return [...resources.values()].some((r) => {
    if (r.type !== 'AWS::Lambda::Function') return false;
    const env = environmentOf(r);
    if (env.USER_IS_COMPLETE_FUNCTION_ARN === undefined) return false;
    return referencedIds([env.USER_ON_EVENT_FUNCTION_ARN, env.USER_IS_COMPLETE_FUNCTION_ARN]).includes(fnId);
  });
}

/**
 * A state machine that may invoke the function and holds a Wait state: the function is a step of
 * a Wait/Choice polling loop the workflow drives, the fix for a job with no `.sync` integration.
 */
function stepOfWaitLoop(resources: Map<string, Resource>, fnId: string): boolean {
  return [...resources.values()].some((r) => {
    if (r.type !== 'AWS::StepFunctions::StateMachine') return false;
    const roleId = referencedIds(r.properties.RoleArn)[0];
    if (!roleId || !grantedOn(roleStatements(resources, roleId), 'lambda:InvokeFunction').includes(fnId)) return false;
    const definition = JSON.stringify(r.properties.DefinitionString ?? r.properties.Definition ?? '');
    return /\\*"Type\\*"\s*:\s*\\*"Wait\\*"/.test(definition);
  });
}

export const synchronousWaiting: AntiPatternRule = {
  id: 'SynchronousWaiting',
  level: NagMessageLevel.ERROR,
  info: 'The Lambda function may both start an asynchronous job and read its status (for example athena:StartQueryExecution and athena:GetQueryExecution), the mark of a function that waits for the job by polling it.',
  explanation:
    'A function that sleeps between status calls is billed for every idle second, holds one unit of concurrency the whole time, and fails when the job outlasts its timeout (15 minutes at most), often leaving the job running while a retry starts it again. ' +
    'Let Step Functions wait instead: start the job with a .sync service integration (IntegrationPattern.RUN_JOB) or hand out a task token (WAIT_FOR_TASK_TOKEN), and poll with Wait and Choice states only where no .sync integration exists. ' +
    'If the function only serves separate start and status requests and never waits, give each its own role or acknowledge the finding with that reason.',
  check(node: CfnResource) {
    if (node.cfnResourceType !== 'AWS::Lambda::Function') return NagRuleCompliance.NOT_APPLICABLE;
    const fn = resourceOf(node);
    if (!fn) return NagRuleCompliance.NOT_APPLICABLE;
    const fnId = logicalIdOf(node);
    // CDK's own helper, not code the reader wrote.
    if (fnId.startsWith(AWS_CUSTOM_RESOURCE_SINGLETON)) return NagRuleCompliance.NOT_APPLICABLE;
    const resources = resourcesOf(node);
    const roleId = functionRoleId(fn);
    // A role from outside the stack cannot be read.
    if (!roleId || resources.get(roleId)?.type !== 'AWS::IAM::Role') return NagRuleCompliance.NOT_APPLICABLE;

    const statements = [...roleStatements(resources, roleId), ...managedPolicyStatements(resources, roleId), ...awsManagedPolicyStatements(resources, roleId)];
    if (!pollableJobApi(statements)) return NagRuleCompliance.COMPLIANT;
    if (servesProviderWithIsComplete(resources, fnId) || stepOfWaitLoop(resources, fnId)) return NagRuleCompliance.COMPLIANT;
    return NagRuleCompliance.NON_COMPLIANT;
  },
};
