// CloudFront viewer-request function (runtime cloudfront-js-2.0). The site is a static export with
// trailing slashes: /patterns/x/ is the object patterns/x/index.html. S3 behind Origin Access
// Control has no index documents, so this function maps folder URLs to their index.html, and sends
// /patterns/x (no slash, no file extension) to /patterns/x/ so each page has one address.
// Plain ES5 on purpose: the same file runs in Node's vm in infra/test/rewrite-request.test.ts.
// eslint-disable-next-line @typescript-eslint/no-unused-vars -- CloudFront calls handler by name.
function handler(event) {
  var request = event.request;
  var uri = request.uri;
  if (uri.charAt(uri.length - 1) === '/') {
    request.uri = uri + 'index.html';
    return request;
  }
  var last = uri.substring(uri.lastIndexOf('/') + 1);
  if (last.indexOf('.') !== -1) return request;
  // The query string as the reader sent it, so a search link such as /patterns?q=lambda keeps it.
  var query = request.rawQueryString();
  return {
    statusCode: 301,
    statusDescription: 'Moved Permanently',
    headers: { location: { value: uri + '/' + (query ? '?' + query : '') } },
  };
}
