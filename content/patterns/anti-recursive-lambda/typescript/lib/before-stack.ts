import { CfnOutput, Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { RecursiveLoop } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { archiveBucket, countPageFunction } from './inventory-parts';

/**
 * THE ANTI-PATTERN, for reading and synthesis only: a function that counts one page of a bucket
 * listing and then sends the next page's cursor to the very queue that invoked it. Never deployed
 * by default (bin/ creates it only with `-c antiPattern=before`).
 */
export class RecursiveInventoryStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const archive = archiveBucket(this);

    const pagesDlq = new Queue(this, 'PagesDlq', { enforceSSL: true, retentionPeriod: Duration.days(14) });
    const pages = new Queue(this, 'Pages', {
      enforceSSL: true,
      // Six times the function timeout, as Lambda recommends for SQS event sources.
      visibilityTimeout: Duration.minutes(3),
      deadLetterQueue: { queue: pagesDlq, maxReceiveCount: 3 },
    });

    const { fn: countPage } = countPageFunction(this, {
      archive,
      entry: 'count-and-requeue.ts',
      description: 'Counts one page of the archive listing, then queues the next page for itself.',
      environment: { PAGES_QUEUE_URL: pages.queueUrl },
      // What the team did when Lambda's loop detection stopped every inventory at about page 16:
      // the guard rail is off, so nothing but the code now ends the chain.
      recursiveLoop: RecursiveLoop.ALLOW,
    });
    countPage.addEventSource(new SqsEventSource(pages, { batchSize: 1 }));
    // The anti-pattern in one line: the consumer may write to its own trigger.
    pages.grantSendMessages(countPage);

    new CfnOutput(this, 'ArchiveBucketName', { value: archive.bucketName });
    new CfnOutput(this, 'PagesQueueUrl', { value: pages.queueUrl, description: 'Send {"prefix": ""} here to start an inventory.' });

    Validations.of(countPage).acknowledge(
      {
        id: 'Serverless-LambdaDLQ',
        reason: 'Only the SQS event source mapping invokes the function; failed messages reach PagesDlq through the queue redrive policy, and a function DLQ only serves async invokes.',
      },
      {
        id: 'Serverless-LambdaEventSourceMappingDestination',
        reason: 'Lambda does not support on-failure destinations for SQS event sources; the queue redrive policy to PagesDlq plays that role.',
      },
    );
    Validations.of(pagesDlq).acknowledge(
      {
        id: 'AwsSolutions-SQS3',
        reason: 'This is the dead-letter queue itself; messages wait here for inspection and redrive, a further DLQ would only move them again.',
      },
      {
        id: 'Serverless-SQSRedrivePolicy',
        reason: 'This is the dead-letter queue itself; messages wait here for inspection and redrive, a further DLQ would only move them again.',
      },
    );
  }
}
