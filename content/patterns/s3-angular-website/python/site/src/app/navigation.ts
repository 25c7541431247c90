import { DOCUMENT } from '@angular/common';
import { DestroyRef, Injectable, computed, inject, signal } from '@angular/core';
import { routeFor } from './split';

/** A few lines instead of @angular/router: the current path as a signal, plus pushState. */
@Injectable({ providedIn: 'root' })
export class Navigation {
  private readonly window = inject(DOCUMENT).defaultView!;
  private readonly current = signal(this.window.location.pathname);

  readonly path = this.current.asReadonly();
  readonly route = computed(() => routeFor(this.current()));

  constructor() {
    // Back and forward change the URL without a request; follow them.
    const onPopState = () => this.current.set(this.window.location.pathname);
    this.window.addEventListener('popstate', onPopState);
    inject(DestroyRef).onDestroy(() => this.window.removeEventListener('popstate', onPopState));
  }

  navigate(path: string): void {
    this.window.history.pushState(null, '', path);
    this.current.set(path);
  }
}
