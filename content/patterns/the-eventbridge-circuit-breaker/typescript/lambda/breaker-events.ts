// The one event of this pattern, shared by the stack (rule pattern), the Caller and the recorder.

export const CALLER_SOURCE = 'circuit-breaker.caller';
export const SERVICE_CALL_FAILED = 'ServiceCallFailed';

export type FailureReason = 'timeout' | 'network' | 'status';

export interface ServiceCallFailedDetail {
  /** Which dependency failed; the partition key of the failures table. */
  service: string;
  /** When the call failed, ISO 8601 with milliseconds; the sort key, so failures sort by time. */
  failedAt: string;
  reason: FailureReason;
  statusCode?: number;
  durationMs: number;
  message: string;
  requestId: string;
}
