import type { EventBridgeEvent } from 'aws-lambda';

type AnyPipelineEvent = EventBridgeEvent<string, Record<string, unknown> | undefined>;

/**
 * One JSON log line per pipeline event. The file and row come first so a Logs Insights query
 * can follow a single row from extract to load.
 */
export function describeEvent(event: AnyPipelineEvent): Record<string, unknown> {
  const detail = event.detail ?? {};
  const { bucket, key, row } = detail;
  return {
    message: 'pipeline event',
    file: typeof bucket === 'string' && typeof key === 'string' ? `s3://${bucket}/${key}` : undefined,
    row: typeof row === 'number' ? row : undefined,
    source: event.source,
    detailType: event['detail-type'],
    eventId: event.id,
    time: event.time,
    detail,
  };
}

export function createHandler(write: (line: string) => void) {
  return async (event: AnyPipelineEvent): Promise<void> => {
    write(JSON.stringify(describeEvent(event)));
  };
}

export const handler = createHandler((line) => console.log(line));
