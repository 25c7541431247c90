import '@angular/compiler';
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DOCUMENT } from '@angular/common';
import { type EnvironmentInjector, Injector, reflectComponentType } from '@angular/core';
import { AboutComponent } from '../site/src/app/about.component';
import { AppComponent } from '../site/src/app/app.component';
import { Navigation } from '../site/src/app/navigation';
import { SplitterComponent } from '../site/src/app/splitter.component';

/** Just enough of window for Navigation: a path, pushState and popstate listeners. */
function fakeDocument(pathname: string) {
  const listeners = new Set<() => void>();
  const window = {
    location: { pathname },
    pushes: [] as string[],
    history: { pushState: (_state: unknown, _title: string, url: string) => window.pushes.push(url) },
    addEventListener: (_type: string, listener: () => void) => listeners.add(listener),
    removeEventListener: (_type: string, listener: () => void) => listeners.delete(listener),
    listeners,
  };
  return { defaultView: window };
}

describe('components compiled by the JIT compiler', () => {
  // Reading the component metadata makes Angular compile each template, so a template error fails here.
  test('every component compiles and has the selector index.html and the templates use', () => {
    assert.equal(reflectComponentType(AppComponent)?.selector, 'app-root');
    assert.equal(reflectComponentType(SplitterComponent)?.selector, 'app-splitter');
    assert.equal(reflectComponentType(AboutComponent)?.selector, 'app-about');
  });

  test('every component is standalone', () => {
    for (const component of [AppComponent, SplitterComponent, AboutComponent]) {
      assert.equal(reflectComponentType(component)?.isStandalone, true, component.name);
    }
  });
});

describe('SplitterComponent state', () => {
  test('derives the split from its signals and follows every change', () => {
    const splitter = new SplitterComponent();
    assert.deepEqual(splitter.split()?.shares, [3240, 3239, 3239]);
    splitter.amountText.set('100');
    splitter.peopleText.set('4');
    splitter.setTip('20');
    assert.deepEqual(splitter.split(), { tipCents: 2000, totalCents: 12000, shares: [3000, 3000, 3000, 3000] });
  });

  test('shows no split for unusable input and ignores tips that are not offered', () => {
    const splitter = new SplitterComponent();
    splitter.setTip('99');
    assert.equal(splitter.tipPercent(), 15);
    splitter.peopleText.set('0');
    assert.equal(splitter.split(), undefined);
  });
});

describe('Navigation', () => {
  function navigationAt(pathname: string) {
    const document = fakeDocument(pathname);
    const injector = Injector.create({ providers: [{ provide: DOCUMENT, useValue: document }, Navigation] }) as EnvironmentInjector;
    return { navigation: injector.get(Navigation), window: document.defaultView, injector };
  }

  test('starts on the route of the address the browser asked for', () => {
    assert.equal(navigationAt('/About/').navigation.route(), 'about');
    assert.equal(navigationAt('/missing').navigation.route(), 'not-found');
  });

  test('pushes history entries and follows back and forward', () => {
    const { navigation, window } = navigationAt('/');
    navigation.navigate('/about');
    assert.deepEqual(window.pushes, ['/about']);
    assert.equal(navigation.route(), 'about');
    window.location.pathname = '/';
    for (const listener of window.listeners) listener();
    assert.equal(navigation.route(), 'splitter');
  });

  test('removes its popstate listener when the injector is destroyed', () => {
    const { window, injector } = navigationAt('/');
    assert.equal(window.listeners.size, 1);
    injector.destroy();
    assert.equal(window.listeners.size, 0);
  });
});
