import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import {
  Choice,
  Condition,
  DefinitionBody,
  DistributedMap,
  Fail,
  ItemBatcher,
  JitterType,
  JsonPath,
  LogLevel,
  Map as InlineMap,
  OutputType,
  Pass,
  type RetryProps,
  StateMachine,
  StateMachineType,
  Transformation,
  WriterConfig,
} from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import { PrefixScopedJsonReader, PrefixScopedResultWriter } from './prefix-scoped-io';

/** Manifests are read from here; the state machine may read nothing else in the bucket. */
export const MANIFEST_PREFIX = 'manifests/';
/** Map Run results are written here; the state machine may write nowhere else. */
export const RESULTS_PREFIX = 'results/';

/** Small jobs: the orders travel in the execution input and run in the parent's own history. */
export const INLINE = {
  /** At most this many orders at once, so one job never takes more than ten Lambda environments. */
  maxConcurrency: 10,
  /** Larger lists are refused and must come as a manifest: see the page for the history arithmetic. */
  maxOrders: 400,
} as const;

/** Large jobs: a JSON array in S3, read by the Distributed Map itself, batched into Express children. */
export const DISTRIBUTED = {
  /** Orders per child execution, so one Lambda invocation prices up to 100 orders. */
  maxItemsPerBatch: 100,
  /** And at most 128 KiB of them, half of the 256 KiB a child execution's input may hold. */
  maxInputBytesPerBatch: 128 * 1024,
  /** Child executions at once; with one invocation per child, also the worker's peak concurrency. */
  maxConcurrency: 20,
  /** The Map Run fails when more than 5% of orders sit in failed or timed-out children. */
  toleratedFailurePercentage: 5,
  /** Names the Map Run, and the AWS/States metrics of its child executions. */
  label: 'PriceOrders',
} as const;

/** Transient Lambda errors, throttling included; anything else is not worth another try. */
const RETRY_TRANSIENT: RetryProps = {
  errors: ['Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException', 'Lambda.TooManyRequestsException'],
  interval: Duration.seconds(2),
  maxAttempts: 4,
  backoffRate: 2,
  maxDelay: Duration.seconds(30),
  jitterStrategy: JitterType.FULL,
};

export interface PricingJobProps {
  bucket: IBucket;
  worker: IFunction;
}

/**
 * One Standard state machine for both sizes of job. A Choice reads the input: a list of orders goes to an
 * inline Map, a manifest key to a Distributed Map; anything else fails at once with a named error.
 */
export function pricingJob(scope: Construct, props: PricingJobProps): { stateMachine: StateMachine; logs: LogGroup } {
  // ---- Inline: one Lambda call per order, ten at a time, each failure kept as a result.
  const priceOrder = new LambdaInvoke(scope, 'Price order', {
    lambdaFunction: props.worker,
    outputPath: '$.Payload',
    // The Retry below replaces CDK's default retry of Lambda service errors.
    retryOnServiceExceptions: false,
  });
  priceOrder.addRetry(RETRY_TRANSIENT);
  const recordFailure = new Pass(scope, 'Record failed order', {
    comment: 'Keeps the error name only: a Lambda cause can be kilobytes, and the Standard history has it anyway.',
    parameters: { index: JsonPath.numberAt('$.index'), status: 'FAILED', error: JsonPath.stringAt('$.failure.Error') },
  });
  priceOrder.addCatch(recordFailure, { errors: ['States.ALL'], resultPath: '$.failure' });

  const inline = new InlineMap(scope, 'Price inline orders', {
    comment: 'One iteration per order in $.items, at most ten at a time.',
    itemsPath: '$.items',
    itemSelector: { index: JsonPath.numberAt('$$.Map.Item.Index'), order: JsonPath.objectAt('$$.Map.Item.Value') },
    maxConcurrency: INLINE.maxConcurrency,
    // The input orders are dropped here: only the sorted results travel on, so the output stays small.
    resultSelector: {
      priced: JsonPath.listAt("$[?(@.status == 'PRICED')]"),
      rejected: JsonPath.listAt("$[?(@.status == 'REJECTED')]"),
      failed: JsonPath.listAt("$[?(@.status == 'FAILED')]"),
    },
  });
  inline.itemProcessor(priceOrder);
  const summariseInline = new Pass(scope, 'Summarise inline job', {
    parameters: {
      mode: 'inline',
      pricedCount: JsonPath.arrayLength(JsonPath.listAt('$.priced')),
      rejectedCount: JsonPath.arrayLength(JsonPath.listAt('$.rejected')),
      failedCount: JsonPath.arrayLength(JsonPath.listAt('$.failed')),
      priced: JsonPath.listAt('$.priced'),
      rejected: JsonPath.listAt('$.rejected'),
      failed: JsonPath.listAt('$.failed'),
    },
  });

  // ---- Distributed: the manifest is read from S3 by the Map itself, 100 orders to an Express child.
  const priceBatch = new LambdaInvoke(scope, 'Price batch', {
    lambdaFunction: props.worker,
    outputPath: '$.Payload',
    retryOnServiceExceptions: false,
  });
  priceBatch.addRetry(RETRY_TRANSIENT);

  const distributed = new DistributedMap(scope, 'Price manifest orders', {
    comment: 'Reads the manifest named in $.manifest.key; 100 orders per Express child, twenty children at a time.',
    itemReader: new PrefixScopedJsonReader(props.bucket, MANIFEST_PREFIX, JsonPath.stringAt('$.manifest.key')),
    itemSelector: { index: JsonPath.numberAt('$$.Map.Item.Index'), order: JsonPath.objectAt('$$.Map.Item.Value') },
    itemBatcher: new ItemBatcher({
      maxItemsPerBatch: DISTRIBUTED.maxItemsPerBatch,
      maxInputBytesPerBatch: DISTRIBUTED.maxInputBytesPerBatch,
      batchInput: { 'manifestKey.$': '$.manifest.key' },
    }),
    maxConcurrency: DISTRIBUTED.maxConcurrency,
    toleratedFailurePercentage: DISTRIBUTED.toleratedFailurePercentage,
    label: DISTRIBUTED.label,
    // Express children: a batch is pure computation that takes well under a second, and safe to run twice.
    mapExecutionType: StateMachineType.EXPRESS,
    // One JSON line per order (FLATTEN unpacks each child's array), instead of an output that would overflow 256 KiB.
    resultWriterV2: new PrefixScopedResultWriter(
      props.bucket,
      RESULTS_PREFIX,
      new WriterConfig({ outputType: OutputType.JSONL, transformation: Transformation.FLATTEN }),
    ),
    resultSelector: {
      mode: 'manifest',
      mapRunArn: JsonPath.stringAt('$.MapRunArn'),
      results: JsonPath.objectAt('$.ResultWriterDetails'),
    },
  });
  distributed.itemProcessor(priceBatch);

  // ---- Routing. Rules are tried in order, and each tests one field that an earlier rule has shown to exist.
  const invalid = new Fail(scope, 'Invalid job', {
    error: 'InvalidJob',
    cause: `Send {"items": [ ...1 to ${INLINE.maxOrders} orders ]} or {"manifest": {"key": "${MANIFEST_PREFIX}<name>.json"}}.`,
  });
  const tooMany = new Fail(scope, 'Too many inline orders', {
    error: 'TooManyInlineOrders',
    cause: `More than ${INLINE.maxOrders} orders: upload them as a JSON array under ${MANIFEST_PREFIX} and send {"manifest": {"key": ...}}.`,
  });
  const route = new Choice(scope, 'Route job', { comment: 'Inline list or S3 manifest?' })
    .when(Condition.isPresent(`$.items[${INLINE.maxOrders}]`), tooMany)
    .when(Condition.isPresent('$.items[0]'), inline.next(summariseInline))
    .when(Condition.isNotPresent('$.manifest.key'), invalid)
    .when(Condition.isNotString('$.manifest.key'), invalid)
    .when(Condition.stringMatches('$.manifest.key', `${MANIFEST_PREFIX}*`), distributed)
    .otherwise(invalid);

  const logs = new LogGroup(scope, 'PricingJobLogs', {
    retention: RetentionDays.ONE_MONTH,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const stateMachine = new StateMachine(scope, 'PricingJob', {
    comment: 'Prices a job of orders: inline Map for short lists, Distributed Map over an S3 manifest for long ones.',
    stateMachineType: StateMachineType.STANDARD,
    definitionBody: DefinitionBody.fromChainable(route),
    timeout: Duration.hours(1),
    tracingEnabled: true,
    // Errors only, without order data: a Standard execution keeps its full history for 90 days anyway.
    logs: { destination: logs, level: LogLevel.ERROR, includeExecutionData: false },
  });
  return { stateMachine, logs };
}
