/** Stream and consumer settings, exported so the tests pin the numbers the stack deploys. */
export const SETTINGS = {
  /** One provisioned shard: 1 MB/s or 1,000 records/s in, 2 MB/s out shared by both consumers. */
  shardCount: 1,
  retentionHours: 24,
  batchSize: 100,
  /** Wait up to this long to fill a batch: fewer, fuller invocations for a few seconds of latency. */
  batchingWindowSeconds: 5,
  /** One batch per shard at a time: the simplest way to keep a shard's records in order. */
  parallelizationFactor: 1,
  retryAttempts: 3,
  maxRecordAgeHours: 1,
  /** The aggregator writes its totals once per window of arrival time. */
  tumblingWindowSeconds: 60,
  /** A consumer this far behind the stream is alarmed on, long before records reach maxRecordAge. */
  alarmIteratorAgeMinutes: 10,
} as const;
