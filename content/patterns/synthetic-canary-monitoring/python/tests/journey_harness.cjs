'use strict';
// Runs canary/api-journey.js the way the canary runtime does, against a local stand-in for the
// items API, and prints what happened as one JSON line. The pytest suite drives it with node:
//   node tests/journey_harness.cjs <scenario>
// The Synthetics and SyntheticsLogger modules, which only exist in the canary runtime, are
// replaced by stand-ins: executeHttpStep sends the request with Node's http module and fails the
// step when its callback throws, as the runtime does with continueOnHttpStepFailure set to false.
const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const Module = require('node:module');
const path = require('node:path');

const scenario = process.argv[2] || 'healthy';
const items = new Map();
const calls = [];
const steps = [];

/** How each scenario departs from a well-behaved API; undefined answers normally. */
const overrides = {
  healthy: () => undefined,
  'create-fails': (call) => (call.method === 'POST' ? { status: 500, body: { message: 'unavailable' } } : undefined),
  'create-wrong-item': (call) => (call.method === 'POST' ? { status: 201, body: { id: 'x', name: 'someone else' } } : undefined),
  'read-wrong-item': (call) => (call.method === 'GET' && items.size > 0 ? { status: 200, body: { id: 'other', name: 'other' } } : undefined),
  'delete-ignored': (call) => (call.method === 'DELETE' ? { status: 204 } : undefined),
  'no-api-url': () => undefined,
  // A runtime of syn-nodejs-puppeteer-13.1 or later, where the modules carry their @aws/ names.
  'new-namespace': () => undefined,
};

const server = http.createServer((req, res) => {
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (chunk) => {
    body += chunk;
  });
  req.on('end', () => {
    const call = { method: req.method, path: req.url, headers: req.headers, body };
    calls.push(call);
    const send = (status, payload) => {
      res.writeHead(status, payload === undefined ? {} : { 'content-type': 'application/json' });
      res.end(payload === undefined ? undefined : JSON.stringify(payload));
    };
    const forced = overrides[scenario](call);
    if (forced) return send(forced.status, forced.body);
    const id = decodeURIComponent(call.path.replace(/^\/items\/?/, ''));
    if (call.method === 'POST' && call.path === '/items') {
      const item = { id: crypto.randomUUID(), name: JSON.parse(body).name, createdAt: new Date().toISOString() };
      items.set(item.id, item);
      return send(201, item);
    }
    if (call.method === 'GET' && id) return items.has(id) ? send(200, items.get(id)) : send(404, { message: 'No such item.' });
    if (call.method === 'DELETE' && id) {
      items.delete(id);
      return send(204);
    }
    return send(404, { message: 'No such route.' });
  });
});

function executeHttpStep(stepName, options, callback, config) {
  return new Promise((resolve, reject) => {
    const { body, ...requestOptions } = options;
    const req = http.request({ ...requestOptions, protocol: 'http:' }, (res) => {
      Promise.resolve()
        .then(() => callback(res))
        .then(
          (value) => {
            steps.push([stepName, true, config.continueOnHttpStepFailure]);
            resolve(value);
          },
          (error) => {
            steps.push([stepName, false, config.continueOnHttpStepFailure]);
            reject(error);
          },
        );
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

const quiet = { info: () => {}, error: () => {} };
const synthetics = {
  executeHttpStep,
  getCanaryUserAgentString: () => 'CloudWatchSynthetics/arn:aws:synthetics:test',
  getCanaryName: () => 'api-journey-test',
};
const stubs =
  scenario === 'new-namespace'
    ? { '@aws/synthetics-puppeteer': synthetics, '@aws/synthetics-logger': quiet }
    : { Synthetics: synthetics, SyntheticsLogger: quiet };
const originalLoad = Module._load;
Module._load = function load(request, ...rest) {
  return Object.prototype.hasOwnProperty.call(stubs, request) ? stubs[request] : originalLoad.call(this, request, ...rest);
};

server.listen(0, '127.0.0.1', async () => {
  const { port } = server.address();
  if (scenario === 'no-api-url') delete process.env.API_URL;
  else process.env.API_URL = `http://127.0.0.1:${port}`;
  // Compiled as CommonJS, as the canary runtime does, whatever package.json surrounds this checkout.
  const file = path.join(__dirname, '..', 'canary', 'api-journey.js');
  const script = new Module(file, module);
  script.filename = file;
  script.paths = Module._nodeModulePaths(path.dirname(file));
  script._compile(fs.readFileSync(file, 'utf8'), file);
  const journey = script.exports;
  let error = null;
  try {
    await journey.handler();
  } catch (e) {
    error = e instanceof Error ? e.message : String(e);
  }
  server.close();
  process.stdout.write(
    `${JSON.stringify({
      ok: error === null,
      error,
      steps,
      calls: calls.map((c) => ({ method: c.method, path: c.path, runHeader: c.headers[journey.CANARY_HEADER], userAgent: c.headers['user-agent'], body: c.body })),
      itemsLeft: items.size,
    })}\n`,
  );
});
