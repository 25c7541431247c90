import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pageMetadata, socialCardPath } from './page-meta';
import { siteConfig } from './site-config';

test('a pattern page gets its canonical URL, its own card and og:type article', () => {
  const meta = pageMetadata({ title: 'The Beta', description: 'A beta.', path: '/patterns/the-beta/', pattern: 'the-beta' });
  const url = `${siteConfig.url}/patterns/the-beta/`;
  assert.equal(meta.alternates?.canonical, url);
  assert.deepEqual(meta.openGraph && { ...meta.openGraph, images: undefined }, { type: 'article', url, title: 'The Beta', description: 'A beta.', siteName: siteConfig.name, locale: 'en_US', images: undefined });
  assert.deepEqual(meta.openGraph?.images, [{ url: `${siteConfig.url}/social/the-beta.png`, width: 1200, height: 630, alt: 'The Beta: title and architecture diagram', type: 'image/png' }]);
  assert.deepEqual(meta.twitter, { card: 'summary_large_image', title: 'The Beta', description: 'A beta.', images: [{ url: `${siteConfig.url}/social/the-beta.png`, alt: 'The Beta: title and architecture diagram' }] });
});

test('any other page gets the default card, og:type website and the feed link', () => {
  const meta = pageMetadata({ title: 'About', path: '/about/' });
  assert.equal((meta.openGraph as { type?: string }).type, 'website');
  assert.equal((meta.openGraph?.images as { url: string }[])[0]!.url, `${siteConfig.url}${socialCardPath()}`);
  assert.deepEqual(Object.keys(meta.alternates?.types ?? {}), ['application/atom+xml']);
});

test('the layout defaults carry no canonical URL, so the 404 page claims none', () => {
  const meta = pageMetadata({});
  assert.equal(meta.alternates?.canonical, undefined);
  assert.equal((meta.openGraph as { url?: string }).url, undefined);
  assert.equal(meta.title, undefined);
});
