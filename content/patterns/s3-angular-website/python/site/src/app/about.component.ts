import { ChangeDetectionStrategy, Component } from '@angular/core';

@Component({
  selector: 'app-about',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <h1>About this site</h1>
    <p>
      There is no <code>about</code> object in the bucket. CloudFront asked S3 for it, got a 403, and answered with
      <code>index.html</code> instead; Angular then read the path and drew this view.
    </p>
    <p>The templates on this page were compiled in your browser, just now, by the Angular JIT compiler.</p>
  `,
})
export class AboutComponent {}
