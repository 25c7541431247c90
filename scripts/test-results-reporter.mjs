// A node:test reporter that writes one JSON line per test: its file, name and outcome. The
// guarantee check reads these to prove each promised test exists and passed in this run.
// node:test loads a custom reporter through its default export.
// eslint-disable-next-line import/no-default-export
export default async function* resultsReporter(source) {
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const data = event.data;
    if (data.details?.type === 'suite') continue;
    const status = event.type === 'test:fail' ? 'failed' : data.skip || data.todo ? 'skipped' : 'passed';
    yield `${JSON.stringify({ file: data.file, name: data.name, status })}\n`;
  }
}
