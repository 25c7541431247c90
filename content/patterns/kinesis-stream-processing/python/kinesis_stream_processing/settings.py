"""Stream and consumer settings, module-level so the tests pin the numbers the stack deploys."""

# One provisioned shard: 1 MB/s or 1,000 records/s in, 2 MB/s out shared by both consumers.
SHARD_COUNT = 1
RETENTION_HOURS = 24
BATCH_SIZE = 100
# Wait up to this long to fill a batch: fewer, fuller invocations for a few seconds of latency.
BATCHING_WINDOW_SECONDS = 5
# One batch per shard at a time: the simplest way to keep a shard's records in order.
PARALLELIZATION_FACTOR = 1
RETRY_ATTEMPTS = 3
MAX_RECORD_AGE_HOURS = 1
# The aggregator writes its totals once per window of arrival time.
TUMBLING_WINDOW_SECONDS = 60
# A consumer this far behind the stream is alarmed on, long before records reach the maximum record age.
ALARM_ITERATOR_AGE_MINUTES = 10

PYTHON_RUNTIME_REASON = (
    "python3.13 is the one Python runtime every app of this catalog is built and tested on; "
    "move to a newer one deliberately, with its tests."
)
