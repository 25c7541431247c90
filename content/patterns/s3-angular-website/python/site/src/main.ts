// JIT on purpose: the Angular compiler ships in the bundle and compiles the templates in the browser,
// because the Angular CLI (which runs the AOT compiler) is not part of this repository. See the pattern page.
import '@angular/compiler';
import { provideZonelessChangeDetection } from '@angular/core';
import { bootstrapApplication } from '@angular/platform-browser';
import { AppComponent } from './app/app.component';
import './styles.css';

bootstrapApplication(AppComponent, {
  // No zone.js: signals and template events tell Angular when to re-render.
  providers: [provideZonelessChangeDetection()],
}).catch((error: unknown) => console.error(error));
