"""The idempotency settings the stack and the handler share, so the table the stack builds
and the records the handler writes cannot drift apart."""

# How long a payment's record keeps answering duplicates: 24 hours from its last write.
# The queue keeps a message for no longer than this, so every copy SQS can still deliver
# arrives while the record of its first processing is alive.
IDEMPOTENCY_WINDOW_SECONDS = 24 * 60 * 60

# The idempotency table's partition key, and the attribute DynamoDB TTL deletes expired records by.
IDEMPOTENCY_KEY_ATTRIBUTE = "id"
IDEMPOTENCY_TTL_ATTRIBUTE = "expiration"

# A fixed prefix instead of the default (the function's physical name), so a function
# replaced by a redeploy still finds the records its predecessor wrote.
IDEMPOTENCY_KEY_PREFIX = "charge-payment"

# The business key: a producer that resends a payment sends a new message, never a new paymentId.
IDEMPOTENCY_KEY_PATH = "paymentId"

# What a repeat must agree on to count as a repeat rather than a conflicting request.
PAYLOAD_VALIDATION_PATH = "[customerId, amount, currency]"
