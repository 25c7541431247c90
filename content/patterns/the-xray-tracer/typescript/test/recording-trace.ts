import type { Trace } from '../lambda/tracing';

/** Records what a handler would tell X-Ray: which spans it opened and what it annotated inside them. */
export function recordingTrace(traceId = '1-6740a1b2-0123456789abcdef01234567') {
  const spans: string[] = [];
  const annotations: { span: string | null; key: string; value: string | number | boolean }[] = [];
  let open: string | null = null;
  const trace: Trace = {
    annotate: (key, value) => annotations.push({ span: open, key, value }),
    async span(name, work) {
      spans.push(name);
      const outer = open;
      open = name;
      try {
        return await work();
      } finally {
        open = outer;
      }
    },
    traceId: () => traceId,
  };
  const annotated = (key: string) => annotations.filter((a) => a.key === key).map((a) => a.value);
  return { trace, spans, annotations, annotated };
}

/** Runs a block with console.error/warn/info silenced, returning what was logged. */
export async function quietly<T>(work: () => Promise<T>): Promise<{ result: T; logged: string[] }> {
  const logged: string[] = [];
  const saved = { error: console.error, warn: console.warn, info: console.info };
  console.error = console.warn = console.info = (line: unknown) => void logged.push(String(line));
  try {
    return { result: await work(), logged };
  } finally {
    Object.assign(console, saved);
  }
}
