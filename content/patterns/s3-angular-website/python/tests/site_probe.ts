// Runs the site's own code in Node for the Python tests: reads a JSON list of calls on stdin and prints a
// JSON list of answers. tests/site.py bundles this file with esbuild first, as build_site.py does the site.
// The JIT compiler comes first, as in main.ts: reading a component's metadata makes Angular compile its template.
import '@angular/compiler';
import { DOCUMENT } from '@angular/common';
import { type EnvironmentInjector, Injector, reflectComponentType, type Type } from '@angular/core';
import { AboutComponent } from '../site/src/app/about.component';
import { AppComponent } from '../site/src/app/app.component';
import { Navigation } from '../site/src/app/navigation';
import { type Split, MAX_AMOUNT_CENTS, formatCents, parseAmount, parsePeople, routeFor, splitBill } from '../site/src/app/split';
import { SplitterComponent } from '../site/src/app/splitter.component';

const components: Record<string, Type<unknown>> = {
  AppComponent,
  SplitterComponent,
  AboutComponent,
};

type SplitterStep = { set: 'amountText' | 'peopleText'; value: string } | { setTip: string };
// popstate: the browser went back or forward to this path. destroy: the injector that owns Navigation ends.
type NavigationStep = { navigate: string } | { popstate: string } | { destroy: true };

type Call =
  | { fn: 'routeFor'; path: string }
  | { fn: 'parseAmount'; text: string }
  | { fn: 'parsePeople'; text: string }
  | { fn: 'splitBill'; amountCents: number; tipPercent: number; people: number }
  | { fn: 'formatCents'; cents: number }
  | { fn: 'maxAmountCents' }
  | { fn: 'component'; name: string }
  // One SplitterComponent; its state before the first step and after each one.
  | { fn: 'splitter'; steps: SplitterStep[] }
  // One Navigation in an injector over a stand-in window; its state at the start and after each step.
  | { fn: 'navigation'; path: string; steps: NavigationStep[] };

interface SplitterState {
  split: Split | null;
  tipPercent: number;
}

interface NavigationState {
  route: string;
  path: string;
  pushes: string[];
  listeners: number;
}

function splitterRun(steps: SplitterStep[]): SplitterState[] {
  const splitter = new SplitterComponent();
  const state = (): SplitterState => ({ split: splitter.split() ?? null, tipPercent: splitter.tipPercent() });
  const states = [state()];
  for (const step of steps) {
    if ('setTip' in step) splitter.setTip(step.setTip);
    else splitter[step.set].set(step.value);
    states.push(state());
  }
  return states;
}

/** Just enough of window for Navigation: a path, pushState and popstate listeners. */
function fakeDocument(pathname: string) {
  const listeners = new Set<() => void>();
  const pushes: string[] = [];
  const window = {
    location: { pathname },
    history: { pushState: (_state: unknown, _title: string, url: string) => pushes.push(url) },
    addEventListener: (_type: string, listener: () => void) => listeners.add(listener),
    removeEventListener: (_type: string, listener: () => void) => listeners.delete(listener),
  };
  return { document: { defaultView: window }, window, listeners, pushes };
}

function navigationRun(path: string, steps: NavigationStep[]): NavigationState[] {
  const { document, window, listeners, pushes } = fakeDocument(path);
  const injector = Injector.create({ providers: [{ provide: DOCUMENT, useValue: document }, Navigation] }) as EnvironmentInjector;
  const navigation = injector.get(Navigation);
  const state = (): NavigationState => ({ route: navigation.route(), path: navigation.path(), pushes: [...pushes], listeners: listeners.size });
  const states = [state()];
  for (const step of steps) {
    if ('navigate' in step) navigation.navigate(step.navigate);
    else if ('popstate' in step) {
      window.location.pathname = step.popstate;
      for (const listener of [...listeners]) listener();
    } else injector.destroy();
    states.push(state());
  }
  return states;
}

function answer(call: Call): unknown {
  switch (call.fn) {
    case 'routeFor':
      return routeFor(call.path);
    case 'parseAmount':
      return parseAmount(call.text) ?? null;
    case 'parsePeople':
      return parsePeople(call.text) ?? null;
    case 'splitBill':
      return splitBill(call.amountCents, call.tipPercent, call.people);
    case 'formatCents':
      return formatCents(call.cents);
    case 'maxAmountCents':
      return MAX_AMOUNT_CENTS;
    case 'component': {
      const component = components[call.name];
      if (!component) throw new Error(`no component named ${call.name}`);
      const mirror = reflectComponentType(component);
      return mirror && { selector: mirror.selector, isStandalone: mirror.isStandalone };
    }
    case 'splitter':
      return splitterRun(call.steps);
    case 'navigation':
      return navigationRun(call.path, call.steps);
  }
}

const chunks: Buffer[] = [];
process.stdin.on('data', (chunk: Buffer) => chunks.push(chunk));
process.stdin.on('end', () => {
  const calls = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Call[];
  process.stdout.write(JSON.stringify(calls.map(answer)));
});
