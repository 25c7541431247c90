export function About() {
  return (
    <section aria-labelledby="about-heading">
      <h1 id="about-heading">About this site</h1>
      <p>
        There is no <code>about</code> object in the bucket. CloudFront asked S3 for it, got a 403, and answered with
        <code> index.html</code> instead; React then read the path and drew this view.
      </p>
      <p>The checklist on the home page lives only in this tab: reload it and it starts again.</p>
    </section>
  );
}
