// Runs the site's own code in Node for the Python tests: reads a JSON list of calls on stdin and prints
// a JSON list of answers. tests/site.py bundles this file with esbuild first, as build_site.py does the site.
import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import { App } from '../site/src/App';
import { type ChecklistAction, type ChecklistState, checklistReducer, cleanItemText, initialChecklist, progressLabel, routeFor } from '../site/src/logic';

type Call =
  | { fn: 'routeFor'; path: string }
  | { fn: 'cleanItemText'; text: string }
  | { fn: 'progressLabel'; items: ChecklistState['items'] }
  | { fn: 'initialChecklist' }
  // `state` omitted means the app's own initial checklist, so the test can check it is left untouched.
  | { fn: 'reduce'; state?: ChecklistState; action: ChecklistAction }
  | { fn: 'render'; path: string };

function answer(call: Call): unknown {
  switch (call.fn) {
    case 'routeFor':
      return routeFor(call.path);
    case 'cleanItemText':
      return cleanItemText(call.text) ?? null;
    case 'progressLabel':
      return progressLabel(call.items);
    case 'initialChecklist':
      return initialChecklist;
    case 'reduce': {
      const given = call.state ?? initialChecklist;
      const before = JSON.stringify(given);
      const next = checklistReducer(given, call.action);
      return { state: next, same: next === given, givenUnchanged: JSON.stringify(given) === before };
    }
    case 'render':
      return renderToString(createElement(App, { initialPath: call.path }));
  }
}

const chunks: Buffer[] = [];
process.stdin.on('data', (chunk: Buffer) => chunks.push(chunk));
process.stdin.on('end', () => {
  const calls = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Call[];
  process.stdout.write(JSON.stringify(calls.map(answer)));
});
