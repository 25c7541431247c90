// Runs the extract task's own functions (../task/extract.ts, the container's code) for the pytest suite.
// Reads a JSON list of operations on stdin and writes one JSON result per operation to stdout, so the
// Python tests decide every input and assert on every output; nothing here judges the results.
import {
  CsvReader,
  EXTRACT_SOURCE,
  exitCodeOf,
  extractFile,
  FILE_EXTRACTED,
  paceDelay,
  readConfig,
  ROW_EXTRACTED,
  rowEntry,
} from '../task/extract.ts';

type Entry = { Detail?: string };
/** What one PutEvents call does: accept everything, refuse everything, refuse some rows, or throw. */
type Reply = 'ok' | 'refuse' | { refuseRows: number[] } | { throw: string };

const rowOf = (e: Entry): number => JSON.parse(String(e.Detail)).row;
const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

async function* chunksOf(parts: string[]): AsyncIterable<string> {
  for (const p of parts) yield p;
}

async function run(op: any): Promise<unknown> {
  switch (op.op) {
    case 'constants':
      return { EXTRACT_SOURCE, ROW_EXTRACTED, FILE_EXTRACTED };
    case 'parse': {
      const reader = new CsvReader();
      try {
        const rows = (op.chunks as string[]).flatMap((c) => reader.push(c));
        return { rows: [...rows, ...reader.end()] };
      } catch (error) {
        return { error: message(error) };
      }
    }
    case 'rowEntry':
      return rowEntry(op.file, op.eventBusName, op.header, op.values, op.row);
    case 'paceDelay':
      return paceDelay(op.sent, op.elapsedMs, op.perSecond);
    case 'readConfig':
      try {
        return { config: readConfig(op.env) };
      } catch (error) {
        return { error: message(error) };
      }
    case 'exitCode': {
      const errors: string[] = [];
      const code = await exitCodeOf(
        async () => {
          if (op.outcome.throw) throw new Error(op.outcome.throw);
          return { failed: op.outcome.failed };
        },
        (error) => errors.push(message(error)),
      );
      return { code, errors };
    }
    case 'extract': {
      const replies: Reply[] = op.replies ?? [];
      const calls: number[][] = [];
      const sleeps: number[] = [];
      try {
        const summary = await extractFile(
          {
            chunks: chunksOf(op.chunks),
            send: async (entries) => {
              const reply = replies[calls.length] ?? 'ok';
              calls.push(entries.map(rowOf));
              if (reply === 'ok') return [];
              if (reply === 'refuse') return entries;
              if ('throw' in reply) throw new Error(reply.throw);
              return entries.filter((e) => reply.refuseRows.includes(rowOf(e)));
            },
            sleep: async (ms) => {
              sleeps.push(ms);
            },
            now: () => op.now ?? 0,
          },
          op.config,
        );
        return { summary, calls, sleeps };
      } catch (error) {
        return { error: message(error), calls, sleeps };
      }
    }
    default:
      throw new Error(`unknown operation ${op.op}`);
  }
}

let input = '';
for await (const chunk of process.stdin) input += chunk;
const results = [];
for (const op of JSON.parse(input)) results.push(await run(op));
process.stdout.write(JSON.stringify(results));
