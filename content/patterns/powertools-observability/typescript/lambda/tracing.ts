import type { Tracer } from '@aws-lambda-powertools/tracer';

/** The part of tracing the handler uses, so unit tests can record it instead of sending it to X-Ray. */
export type Trace = {
  /** An indexed key on the handler's subsegment: X-Ray can search traces by it. */
  annotate(key: string, value: string | number | boolean): void;
  /** Runs a step in its own named subsegment, so it gets its own bar on the trace timeline. */
  span<T>(name: string, work: () => Promise<T>): Promise<T>;
};

/**
 * `Trace` on a Powertools Tracer. Outside Lambda the Tracer switches itself off and every call
 * runs the work untraced, so the same code runs in unit tests and local scripts.
 */
export function powertoolsTrace(tracer: Tracer): Trace {
  return {
    annotate: (key, value) => tracer.putAnnotation(key, value),
    span: (name, work) => inSubsegment(tracer, name, work),
  };
}

async function inSubsegment<T>(tracer: Tracer, name: string, work: () => Promise<T>): Promise<T> {
  const parent = tracer.isTracingEnabled() ? tracer.getSegment() : undefined;
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
 * Runs a handler inside a "## handler" subsegment. Lambda's own segment is read-only to function
 * code, so annotations need a subsegment of ours; this one also carries Powertools' ColdStart and
 * Service annotations. It does what the Tracer's middy middleware and class decorator do, without
 * either dependency.
 */
export function tracedHandler<E, C, R>(tracer: Tracer, handler: (event: E, context: C) => Promise<R>) {
  return (event: E, context: C): Promise<R> =>
    inSubsegment(tracer, `## ${process.env._HANDLER ?? 'handler'}`, async () => {
      tracer.annotateColdStart();
      tracer.addServiceNameAnnotation();
      try {
        return await handler(event, context);
      } catch (error) {
        tracer.addErrorAsMetadata(error as Error);
        throw error;
      }
    });
}
