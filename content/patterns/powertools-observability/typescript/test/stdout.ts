/**
 * Collects what is written to stdout and stderr while `work` runs. In Lambda both streams land in
 * the function's log group: Powertools Logger writes INFO and DEBUG to stdout, WARN and ERROR to
 * stderr, and Metrics writes its embedded-metric-format lines to stdout, where CloudWatch Logs
 * turns them into metrics.
 */
export async function captureOutput(work: () => Promise<unknown>): Promise<Record<string, unknown>[]> {
  const chunks: string[] = [];
  const streams = [process.stdout, process.stderr] as const;
  const originals = streams.map((s) => s.write.bind(s));
  for (const stream of streams) {
    stream.write = ((chunk: string | Uint8Array) => {
      chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return true;
    }) as typeof stream.write;
  }
  try {
    await work();
  } finally {
    streams.forEach((s, i) => {
      s.write = originals[i] as typeof s.write;
    });
  }
  return chunks
    .join('')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

type Emf = { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] };

/** The embedded-metric-format lines among them, as the CloudWatch EMF specification describes them. */
export function emfLines(lines: Record<string, unknown>[]): (Record<string, unknown> & { _aws: { Timestamp: number; CloudWatchMetrics: Emf[] } })[] {
  return lines.filter((l) => typeof l._aws === 'object') as never;
}

export function logLines(lines: Record<string, unknown>[]): Record<string, unknown>[] {
  return lines.filter((l) => l._aws === undefined);
}
