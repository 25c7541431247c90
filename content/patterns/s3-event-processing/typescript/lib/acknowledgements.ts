import { type Stack, Validations } from 'aws-cdk-lib';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { CfnBucket, Bucket } from 'aws-cdk-lib/aws-s3';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { CfnStateMachine, StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { MAP_SETTINGS } from './large-file-workflow';

/** Uploads under this prefix ending in .csv are processed; everything else in the bucket is ignored. */
export const UPLOAD_PREFIX = 'incoming/';
/** Where the Distributed Map writes its Map Run results; outside UPLOAD_PREFIX, so they never trigger a rule. */
export const RESULTS_PREFIX = 'map-results/';

/** The cdk-nag findings this design accepts, each with the reason it is accepted. */
export function acknowledgeFindings(
  stack: Stack,
  r: {
    bucket: Bucket;
    smallFileFailures: Queue;
    largeFileFailures: Queue;
    smallFileProcessor: NodejsFunction;
    batchProcessor: NodejsFunction;
    stateMachine: StateMachine;
  },
): void {
  const bucketArn = `<${stack.getLogicalId(r.bucket.node.defaultChild as CfnBucket)}.Arn>`;
  Validations.of(r.bucket).acknowledge({
    id: 'AwsSolutions-S1',
    reason: 'Every upload is already recorded by its EventBridge event and by the processor logs; server access logs would need a second bucket.',
  });
  for (const queue of [r.smallFileFailures, r.largeFileFailures]) {
    Validations.of(queue).acknowledge(
      { id: 'AwsSolutions-SQS3', reason: 'This queue is itself a dead-letter queue.' },
      { id: 'Serverless-SQSRedrivePolicy', reason: 'This queue is itself a dead-letter queue; messages wait here 14 days for inspection.' },
    );
  }
  for (const fn of [r.smallFileProcessor, r.batchProcessor]) {
    Validations.of(fn.role!).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'X-Ray trace segments cannot be scoped to a resource; this is the only wildcard resource.',
    });
  }
  Validations.of(r.smallFileProcessor.role!).acknowledge({
    id: `AwsSolutions-IAM5[Resource::${bucketArn}/${UPLOAD_PREFIX}*]`,
    reason: `The processor reads whichever upload it is told about; the wildcard is limited to objects under ${UPLOAD_PREFIX} in this bucket.`,
  });
  Validations.of(r.smallFileProcessor).acknowledge({
    id: 'Serverless-LambdaDLQ',
    reason: 'Failed asynchronous invocations go to SmallFileFailures through an on-failure destination, which keeps the error with the event.',
  });
  Validations.of(r.batchProcessor).acknowledge(
    { id: 'Serverless-LambdaDLQ', reason: 'Only the state machine invokes it, synchronously; failed batches are retried there and recorded in the Map Run results.' },
    { id: 'Serverless-LambdaAsyncFailureDestination', reason: 'Never invoked asynchronously: the Distributed Map calls it and sees every error.' },
  );
  Validations.of(r.stateMachine).acknowledge(
    {
      id: 'AwsSolutions-SF1',
      reason: 'Errors are logged without execution data; logging every event of thousands of child executions would cost more than the processing, and a Standard execution keeps its own history.',
    },
    { id: 'AwsSolutions-IAM5[Resource::*]', reason: 'CDK grants log delivery and X-Ray writes to the workflow role; neither API accepts a narrower resource.' },
    {
      id: `AwsSolutions-IAM5[Resource::<${stack.getLogicalId(r.batchProcessor.node.defaultChild as CfnFunction)}.Arn>:*]`,
      reason: 'The workflow may invoke any version of the BatchProcessor, and only that function.',
    },
    { id: `AwsSolutions-IAM5[Resource::${bucketArn}/${UPLOAD_PREFIX}*]`, reason: `The Distributed Map reads the upload it is started for; the wildcard is limited to ${UPLOAD_PREFIX} in this bucket.` },
    { id: `AwsSolutions-IAM5[Resource::${bucketArn}/${RESULTS_PREFIX}*]`, reason: `Map Run results get names Step Functions picks; the wildcard is limited to ${RESULTS_PREFIX} in this bucket.` },
  );
  // The Distributed Map starts, watches, stops and redrives its own child executions, whose names it picks.
  const executions = `arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"${stack.getLogicalId(r.stateMachine.node.defaultChild as CfnStateMachine)}"}]}]}`;
  for (const suffix of [':*', `/${MAP_SETTINGS.label}:*`]) {
    Validations.of(r.stateMachine).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${executions}${suffix}]`,
      reason: 'Child executions of the Distributed Map get names Step Functions picks; the wildcard is limited to executions of this state machine.',
    });
  }
  // Created by CDK to switch on the bucket's EventBridge notifications during deployment.
  const notificationsHandler = stack.node.tryFindChild('BucketNotificationsHandler050a0587b7544547bf325f094a3db834');
  if (notificationsHandler) {
    Validations.of(notificationsHandler).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason: 'The helper function is written by CDK and runs only while CloudFormation applies the bucket notification setting; its S3 permission is scoped to this bucket.',
    });
  }
}
