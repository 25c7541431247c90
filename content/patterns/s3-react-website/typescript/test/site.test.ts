import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import { App } from '../site/src/App';
import { type ChecklistState, checklistReducer, cleanItemText, initialChecklist, progressLabel, routeFor } from '../site/src/logic';

const empty: ChecklistState = { items: [], nextId: 1 };

describe('routeFor', () => {
  test('knows the two pages and ignores case and trailing slashes', () => {
    assert.equal(routeFor('/'), 'checklist');
    assert.equal(routeFor(''), 'checklist');
    assert.equal(routeFor('/about'), 'about');
    assert.equal(routeFor('/About/'), 'about');
  });

  test('sends every other path to the not-found view', () => {
    assert.equal(routeFor('/about/team'), 'not-found');
    assert.equal(routeFor('/index.html'), 'not-found');
  });
});

describe('checklistReducer', () => {
  test('adds a cleaned-up item with the next id', () => {
    const state = checklistReducer(empty, { type: 'add', text: '  Write   the docs ' });
    assert.deepEqual(state, { items: [{ id: 1, text: 'Write the docs', done: false }], nextId: 2 });
  });

  test('keeps the same state object for blank, too long or duplicate text', () => {
    const one = checklistReducer(empty, { type: 'add', text: 'Ship it' });
    assert.equal(checklistReducer(one, { type: 'add', text: '   ' }), one);
    assert.equal(checklistReducer(one, { type: 'add', text: 'x'.repeat(81) }), one);
    assert.equal(checklistReducer(one, { type: 'add', text: 'ship IT' }), one);
  });

  test('toggles and removes only the item with the given id', () => {
    const toggled = checklistReducer(initialChecklist, { type: 'toggle', id: 2 });
    assert.deepEqual(
      toggled.items.map((i) => i.done),
      [true, true, false],
    );
    const removed = checklistReducer(toggled, { type: 'remove', id: 1 });
    assert.deepEqual(
      removed.items.map((i) => i.id),
      [2, 3],
    );
    assert.equal(removed.nextId, initialChecklist.nextId);
  });

  test('clears done items and never reuses an id afterwards', () => {
    const cleared = checklistReducer(initialChecklist, { type: 'clear-done' });
    assert.deepEqual(
      cleared.items.map((i) => i.id),
      [2, 3],
    );
    const added = checklistReducer(cleared, { type: 'add', text: 'Check the headers' });
    assert.equal(added.items.at(-1)?.id, 4);
  });

  test('does not change the state it was given', () => {
    const before = structuredClone(initialChecklist);
    checklistReducer(initialChecklist, { type: 'toggle', id: 1 });
    checklistReducer(initialChecklist, { type: 'add', text: 'New' });
    assert.deepEqual(initialChecklist, before);
  });
});

describe('cleanItemText and progressLabel', () => {
  test('accepts up to 80 characters after trimming', () => {
    assert.equal(cleanItemText(` ${'a'.repeat(80)} `), 'a'.repeat(80));
    assert.equal(cleanItemText('a'.repeat(81)), undefined);
  });

  test('describes empty, partial and finished lists', () => {
    assert.equal(progressLabel([]), 'Nothing on the list yet.');
    assert.equal(progressLabel(initialChecklist.items), '1 of 3 done.');
    assert.equal(progressLabel([{ id: 1, text: 'a', done: true }]), 'All 1 done.');
  });
});

describe('App rendered on the server', () => {
  test('shows the checklist with its progress at /', () => {
    const html = renderToString(createElement(App, { initialPath: '/' }));
    assert.match(html, /Launch checklist/);
    assert.match(html, /1 of 3 done\./);
    assert.match(html, /href="\/about"/);
  });

  test('shows the about view at /about and marks its link as current', () => {
    const html = renderToString(createElement(App, { initialPath: '/about' }));
    assert.match(html, /About this site/);
    assert.match(html, /aria-current="page" href="\/about"|href="\/about" aria-current="page"/);
    assert.doesNotMatch(html, /Launch checklist/);
  });

  test('shows the not-found view, escaping the path, for anything else', () => {
    const html = renderToString(createElement(App, { initialPath: '/<script>' }));
    assert.match(html, /Not found/);
    assert.match(html, /&lt;script&gt;/);
  });
});
