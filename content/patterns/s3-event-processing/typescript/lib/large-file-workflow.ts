import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import {
  DefinitionBody,
  DistributedMap,
  ItemBatcher,
  JitterType,
  LogLevel,
  OutputType,
  QueryLanguage,
  StateMachine,
  StateMachineType,
  Succeed,
  Transformation,
  WriterConfig,
} from 'aws-cdk-lib/aws-stepfunctions';
import { DynamoAttributeValue, DynamoPutItem, DynamoUpdateItem, LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import { PrefixScopedCsvReader, PrefixScopedResultWriter } from './map-io';

/** How the Distributed Map splits a large file. Each setting is argued on the pattern's page. */
export const MAP_SETTINGS = {
  /** Rows per child execution: one Lambda invocation and one DynamoDB write per 500 rows. */
  maxItemsPerBatch: 500,
  /** And never more than 128 KiB of rows, well under the 256 KiB a child execution's input may hold. */
  maxInputBytesPerBatch: 128 * 1024,
  /** Child executions at once: bounded so one file cannot take a new account's whole Lambda concurrency. */
  maxConcurrency: 5,
  /** Up to 5% of rows may sit in failed batches before the whole run fails; each failed batch still alarms. */
  toleratedFailurePercentage: 5,
  /** Names the child executions' metrics: AWS/States publishes them for "<state machine ARN>/batches". */
  label: 'batches',
} as const;

/** Lambda errors worth another try: throttling and service faults, and a batch that hit a transient DynamoDB error. */
const RETRY_BATCH = {
  errors: ['Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException', 'Lambda.TooManyRequestsException', 'States.TaskFailed'],
  interval: Duration.seconds(2),
  maxAttempts: 3,
  backoffRate: 2,
  jitterStrategy: JitterType.FULL,
};

const UPLOAD_ID = "$states.input.detail.bucket.name & '/' & $states.input.detail.object.key & '@' & $states.input.detail.object.sequencer";

/** The object key as GetObject wants it: S3 URL-encodes keys in events (a space arrives as `+`). */
const OBJECT_KEY = "$decodeUrlComponent($replace($states.input.detail.object.key, '+', ' '))";

export interface LargeFileWorkflowProps {
  bucket: IBucket;
  uploadPrefix: string;
  resultsPrefix: string;
  totals: TableV2;
  batchProcessor: IFunction;
}

/**
 * Claim the upload (a redelivered event ends there), split the object into batches of rows with a
 * Distributed Map that reads it straight from S3, then mark the upload complete.
 */
export function largeFileWorkflow(scope: Construct, props: LargeFileWorkflowProps): { stateMachine: StateMachine; logs: LogGroup } {
  const claim = DynamoPutItem.jsonata(scope, 'Claim upload', {
    comment: 'One execution per upload: a second event for the same write fails the condition and stops here.',
    table: props.totals,
    item: {
      uploadId: DynamoAttributeValue.fromString(`{% ${UPLOAD_ID} %}`),
      objectKey: DynamoAttributeValue.fromString(`{% ${OBJECT_KEY} %}`),
      status: DynamoAttributeValue.fromString('PROCESSING'),
    },
    conditionExpression: 'attribute_not_exists(uploadId)',
    assign: { uploadId: `{% ${UPLOAD_ID} %}` },
    outputs: `{% {"key": ${OBJECT_KEY}, "uploadId": ${UPLOAD_ID}} %}`,
  });
  claim.addRetry({
    errors: ['DynamoDB.ProvisionedThroughputExceededException', 'DynamoDB.ThrottlingException', 'DynamoDB.InternalServerErrorException'],
    interval: Duration.seconds(1),
    maxAttempts: 3,
    backoffRate: 2,
    jitterStrategy: JitterType.FULL,
  });
  const duplicate = Succeed.jsonata(scope, 'Already processed', { comment: 'A redelivered event for an upload another execution has claimed.' });
  claim.addCatch(duplicate, { errors: ['DynamoDB.ConditionalCheckFailedException'] });

  const processBatch = LambdaInvoke.jsonata(scope, 'Process batch', {
    lambdaFunction: props.batchProcessor,
    outputs: '{% $states.result.Payload %}',
    // The explicit Retry below replaces CDK's default of six attempts on Lambda service errors.
    retryOnServiceExceptions: false,
  });
  processBatch.addRetry(RETRY_BATCH);

  const processRows = DistributedMap.jsonata(scope, 'Process rows', {
    comment: 'Reads the CSV object itself, 500 rows to a child execution, five at a time.',
    itemReader: new PrefixScopedCsvReader(props.bucket, props.uploadPrefix, '{% $states.input.key %}'),
    itemBatcher: new ItemBatcher({
      maxItemsPerBatch: MAP_SETTINGS.maxItemsPerBatch,
      maxInputBytesPerBatch: MAP_SETTINGS.maxInputBytesPerBatch,
      batchInput: { uploadId: '{% $states.input.uploadId %}', objectKey: '{% $states.input.key %}' },
    }),
    maxConcurrency: MAP_SETTINGS.maxConcurrency,
    toleratedFailurePercentage: MAP_SETTINGS.toleratedFailurePercentage,
    label: MAP_SETTINGS.label,
    // Express children: a batch takes seconds and is idempotent, so the cheaper at-least-once type fits.
    mapExecutionType: StateMachineType.EXPRESS,
    // Thousands of batch results would overflow the 256 KiB state output; they go to S3 instead.
    resultWriterV2: new PrefixScopedResultWriter(
      props.bucket,
      props.resultsPrefix,
      new WriterConfig({ outputType: OutputType.JSONL, transformation: Transformation.COMPACT }),
    ),
  });
  processRows.itemProcessor(processBatch);

  const complete = DynamoUpdateItem.jsonata(scope, 'Mark complete', {
    table: props.totals,
    key: { uploadId: DynamoAttributeValue.fromString('{% $uploadId %}') },
    updateExpression: 'SET #status = :complete, mapResults = :manifest',
    expressionAttributeNames: { '#status': 'status' },
    expressionAttributeValues: {
      ':complete': DynamoAttributeValue.fromString('COMPLETE'),
      ':manifest': DynamoAttributeValue.fromString('{% $states.input.ResultWriterDetails.Key %}'),
    },
  });

  const logs = new LogGroup(scope, 'LargeFileWorkflowLogs', {
    retention: RetentionDays.ONE_MONTH,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const stateMachine = new StateMachine(scope, 'LargeFileWorkflow', {
    comment: 'Processes one large CSV upload in batches of rows with a Distributed Map.',
    queryLanguage: QueryLanguage.JSONATA,
    definitionBody: DefinitionBody.fromChainable(claim.next(processRows).next(complete)),
    timeout: Duration.hours(2),
    tracingEnabled: true,
    // Errors only, without execution data: rows are business data, and a 10-million-row file would log millions of events.
    logs: { destination: logs, level: LogLevel.ERROR, includeExecutionData: false },
  });
  return { stateMachine, logs };
}
