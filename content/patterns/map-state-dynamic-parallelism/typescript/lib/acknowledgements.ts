import { type Stack, Validations } from 'aws-cdk-lib';
import type { Role } from 'aws-cdk-lib/aws-iam';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { Bucket, CfnBucket } from 'aws-cdk-lib/aws-s3';
import type { CfnStateMachine, StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { DISTRIBUTED, MANIFEST_PREFIX, RESULTS_PREFIX } from './pricing-job';

/** The cdk-nag findings this design accepts, each with the reason it is accepted. */
export function acknowledgeFindings(
  stack: Stack,
  r: { bucket: Bucket; worker: NodejsFunction; workerRole: Role; stateMachine: StateMachine },
): void {
  const bucketArn = `<${stack.getLogicalId(r.bucket.node.defaultChild as CfnBucket)}.Arn>`;
  const workerArn = `<${stack.getLogicalId(r.worker.node.defaultChild as CfnFunction)}.Arn>`;
  const stateMachineRef = stack.getLogicalId(r.stateMachine.node.defaultChild as CfnStateMachine);

  Validations.of(r.bucket).acknowledge({
    id: 'AwsSolutions-S1',
    reason:
      'The bucket holds only manifests the operator uploads and the results the workflow writes; access logs would need a second bucket, and CloudTrail data events can be switched on where an access record is required.',
  });
  Validations.of(r.workerRole).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: 'X-Ray trace segments cannot be scoped to a resource; this is the only wildcard.',
  });
  Validations.of(r.worker).acknowledge({
    id: 'Serverless-LambdaDLQ',
    reason: 'Only the state machine invokes it, synchronously; failures are retried and recorded there, so a DLQ would never receive anything.',
  });

  Validations.of(r.stateMachine).acknowledge(
    {
      id: 'AwsSolutions-SF1',
      reason:
        'Errors are logged without order data; a Standard execution keeps its full history, and logging every event of thousands of child executions would cost more than the pricing itself.',
    },
    { id: 'AwsSolutions-IAM5[Resource::*]', reason: 'CDK grants log delivery and X-Ray writes to the workflow role; neither API accepts a narrower resource.' },
    { id: `AwsSolutions-IAM5[Resource::${workerArn}:*]`, reason: 'The workflow may invoke any version of the OrderPricer function, and only that function.' },
    {
      id: `AwsSolutions-IAM5[Resource::${bucketArn}/${MANIFEST_PREFIX}*]`,
      reason: `The Distributed Map reads whichever manifest the job names; the wildcard is limited to objects under ${MANIFEST_PREFIX} in this bucket.`,
    },
    {
      id: `AwsSolutions-IAM5[Resource::${bucketArn}/${RESULTS_PREFIX}*]`,
      reason: `Map Run result files get names Step Functions picks; the wildcard is limited to objects under ${RESULTS_PREFIX} in this bucket.`,
    },
  );
  // The Distributed Map starts, watches, stops and redrives its own child executions, whose names Step Functions picks.
  const executions = `arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"${stateMachineRef}"}]}]}`;
  for (const suffix of [':*', `/${DISTRIBUTED.label}:*`]) {
    Validations.of(r.stateMachine).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${executions}${suffix}]`,
      reason: 'Child executions of the Distributed Map get names Step Functions picks; the wildcard is limited to executions of this state machine.',
    });
  }
}
