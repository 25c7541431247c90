import { Tracer } from '@aws-lambda-powertools/tracer';

/**
 * One tracer per execution environment. POWERTOOLS_SERVICE_NAME (set by the stack) names
 * the service on every trace, and HTTP calls made with fetch are recorded automatically.
 * Outside Lambda (unit tests, local runs) tracing switches itself off and every call is a no-op.
 */
export const tracer = new Tracer();

/** The part of tracing the handlers use, so unit tests can record it instead of X-Ray. */
export type Trace = {
  /** Indexed key/value on the current subsegment: searchable with X-Ray filter expressions. */
  annotate(key: string, value: string | number | boolean): void;
  /** Runs a piece of work in its own named subsegment, so it gets its own bar on the timeline. */
  span<T>(name: string, work: () => Promise<T>): Promise<T>;
  /** The root id of the current trace, to hand back to callers and store with data. */
  traceId(): string | undefined;
};

export const xray: Trace = {
  annotate: (key, value) => tracer.putAnnotation(key, value),
  span: inSubsegment,
  traceId: () => tracer.getRootXrayTraceId(),
};

async function inSubsegment<T>(name: string, work: () => Promise<T>): Promise<T> {
  if (!tracer.isTracingEnabled()) return work();
  const parent = tracer.getSegment();
  if (!parent) return work();
  const subsegment = parent.addNewSubsegment(name);
  tracer.setSegment(subsegment);
  try {
    return await work();
  } catch (error) {
    subsegment.addError(error as Error);
    throw error;
  } finally {
    subsegment.close();
    tracer.setSegment(parent);
  }
}

/**
 * Runs a handler inside a "## <handler>" subsegment. Lambda's own segment is read-only to
 * function code, so annotations need a subsegment of ours to land on; this one also records
 * cold starts, the service name, and the response or error as metadata.
 */
export function traced<E, R>(handler: (event: E) => Promise<R>): (event: E) => Promise<R> {
  const name = `## ${process.env._HANDLER ?? 'handler'}`;
  return (event) =>
    inSubsegment(name, async () => {
      tracer.annotateColdStart();
      tracer.addServiceNameAnnotation();
      try {
        const result = await handler(event);
        tracer.addResponseAsMetadata(result, name);
        return result;
      } catch (error) {
        tracer.addErrorAsMetadata(error as Error);
        throw error;
      }
    });
}
