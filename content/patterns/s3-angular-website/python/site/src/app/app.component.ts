import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { AboutComponent } from './about.component';
import { Navigation } from './navigation';
import { SplitterComponent } from './splitter.component';

@Component({
  selector: 'app-root',
  imports: [SplitterComponent, AboutComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <nav aria-label="Main">
      @for (link of links; track link.path) {
        <a [href]="link.path" [attr.aria-current]="nav.route() === link.route ? 'page' : null" (click)="follow($event, link.path)">
          {{ link.label }}
        </a>
      }
    </nav>
    <main>
      @switch (nav.route()) {
        @case ('splitter') {
          <app-splitter />
        }
        @case ('about') {
          <app-about />
        }
        @default {
          <h1>Not found</h1>
          <p>
            Nothing lives at <code>{{ nav.path() }}</code>. CloudFront still answered 200, because every unknown path is
            handed to this app.
          </p>
        }
      }
    </main>
  `,
})
export class AppComponent {
  // inject() instead of constructor parameters: no decorator metadata is needed for JIT to wire this up.
  protected readonly nav = inject(Navigation);
  protected readonly links = [
    { path: '/', route: 'splitter', label: 'Splitter' },
    { path: '/about', route: 'about', label: 'About' },
  ] as const;

  protected follow(event: MouseEvent, path: string): void {
    // Keep modified clicks (new tab, new window) as ordinary links.
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    this.nav.navigate(path);
  }
}
