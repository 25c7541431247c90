'use strict';
/**
 * The API journey the JourneyCanary runs every five minutes on syn-nodejs-puppeteer-13.0.
 *
 * It creates an item, reads it back, deletes it and checks that it is gone, using the
 * Synthetics library's HTTP steps only: an API needs no browser, and each step still gets its
 * own duration metric and an entry, with request and response, in the run's HAR report.
 *
 * Plain CommonJS JavaScript, because the canary runtime runs this file as it is. The Synthetics
 * modules exist only inside that runtime, so they are required when the handler runs, and the
 * journey itself takes its HTTP step function as a parameter: tests run it with a stand-in.
 */

/** Sent with every request, so the API marks canary items to expire and access logs can tell them apart. */
const CANARY_HEADER = 'x-synthetic-run';

/** Per-step report settings. The bodies hold only the canary's own throwaway item, so they are kept for debugging. */
const STEP_CONFIG = Object.freeze({
  includeRequestHeaders: true,
  includeResponseHeaders: true,
  includeRequestBody: true,
  includeResponseBody: true,
  // A failed step throws at once: there is nothing to read back if the create failed.
  continueOnHttpStepFailure: false,
});

/** Node `http.request` options for one call of the journey, built from the API's base URL. */
function requestOptions(baseUrl, method, path, { userAgent, runId, body } = {}) {
  const url = new URL(path, baseUrl);
  const headers = { 'user-agent': userAgent || 'synthetic-canary', [CANARY_HEADER]: runId || 'local' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  return {
    hostname: url.hostname,
    port: url.port || (url.protocol === 'https:' ? 443 : 80),
    protocol: url.protocol,
    method,
    path: `${url.pathname}${url.search}`,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  };
}

/** Reads the whole response and fails unless the status is the one the journey expects. */
function expectResponse(res, expectedStatus) {
  return new Promise((resolve, reject) => {
    let text = '';
    res.setEncoding('utf8');
    res.on('data', (chunk) => {
      text += chunk;
    });
    res.on('error', reject);
    res.on('end', () => {
      if (res.statusCode !== expectedStatus) {
        reject(new Error(`expected HTTP ${expectedStatus}, got ${res.statusCode}: ${text.slice(0, 200)}`));
        return;
      }
      if (text === '') {
        resolve(undefined);
        return;
      }
      try {
        resolve(JSON.parse(text));
      } catch {
        reject(new Error(`HTTP ${res.statusCode} answer is not JSON: ${text.slice(0, 200)}`));
      }
    });
  });
}

/**
 * create → read → delete → confirm gone. Cleanup runs whether or not the read passed, and the
 * first failure is the one the run reports.
 *
 * @param {{ executeHttpStep: Function, baseUrl: string, userAgent?: string, runId?: string, log?: { info: Function, error: Function } }} deps
 * @returns {Promise<{ id: string, steps: string[] }>}
 */
async function runJourney({ executeHttpStep, baseUrl, userAgent, runId, log = console }) {
  if (!baseUrl) throw new Error('API_URL is not set: the canary does not know which API to call');
  const name = `canary ${runId || 'local'} ${new Date().toISOString()}`;
  const common = { userAgent, runId };
  const steps = [];
  let created;

  await executeHttpStep('createItem', requestOptions(baseUrl, 'POST', '/items', { ...common, body: { name } }), async (res) => {
    const item = await expectResponse(res, 201);
    if (!item || typeof item.id !== 'string' || item.id === '') throw new Error('the created item has no id');
    if (item.name !== name) throw new Error(`the created item is named ${JSON.stringify(item.name)}, not ${JSON.stringify(name)}`);
    created = item;
  }, STEP_CONFIG);
  steps.push('createItem');

  const itemPath = `/items/${encodeURIComponent(created.id)}`;
  let failure;
  try {
    await executeHttpStep('readItem', requestOptions(baseUrl, 'GET', itemPath, common), async (res) => {
      const item = await expectResponse(res, 200);
      if (!item || item.id !== created.id || item.name !== name) throw new Error(`read back ${JSON.stringify(item)}, not the item just created`);
    }, STEP_CONFIG);
    steps.push('readItem');
  } catch (error) {
    failure = error;
  }

  // Always clean up, so a failing API does not fill the table with canary items.
  try {
    await executeHttpStep('deleteItem', requestOptions(baseUrl, 'DELETE', itemPath, common), (res) => expectResponse(res, 204), STEP_CONFIG);
    steps.push('deleteItem');
    await executeHttpStep('confirmDeleted', requestOptions(baseUrl, 'GET', itemPath, common), (res) => expectResponse(res, 404), STEP_CONFIG);
    steps.push('confirmDeleted');
  } catch (error) {
    log.error(`cleanup of item ${created.id} failed; its one-hour expiry will remove it: ${error.message}`);
    failure = failure || error;
  }

  if (failure) throw failure;
  log.info(`journey passed for item ${created.id}`);
  return { id: created.id, steps };
}

/**
 * Loads a module of the canary runtime's layer. syn-nodejs-puppeteer-13.1 and later name them
 * `@aws/synthetics-*` and keep the legacy names only until a future release; earlier runtimes use the
 * legacy names only. Trying the new name first keeps this script working on both sides of the rename.
 */
function runtimeModule(current, legacy) {
  try {
    return require(current);
  } catch (error) {
    if (error && error.code === 'MODULE_NOT_FOUND') return require(legacy);
    throw error;
  }
}

exports.handler = async () => {
  const synthetics = runtimeModule('@aws/synthetics-puppeteer', 'Synthetics');
  const log = runtimeModule('@aws/synthetics-logger', 'SyntheticsLogger');
  await runJourney({
    executeHttpStep: (stepName, options, callback, config) => synthetics.executeHttpStep(stepName, options, callback, config),
    baseUrl: process.env.API_URL,
    userAgent: synthetics.getCanaryUserAgentString(),
    runId: synthetics.getCanaryName(),
    log,
  });
};

exports.runJourney = runJourney;
exports.requestOptions = requestOptions;
exports.CANARY_HEADER = CANARY_HEADER;
exports.STEP_CONFIG = STEP_CONFIG;
