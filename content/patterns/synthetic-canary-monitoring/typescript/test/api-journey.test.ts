import assert from 'node:assert/strict';
import Module from 'node:module';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { type StepRecord, fakeExecuteHttpStep, startFakeItemsApi } from './fake-items-api';

/** The canary script is plain JavaScript run by the canary runtime; its tests load it as the runtime does. */
type Journey = {
  handler: () => Promise<void>;
  runJourney: (deps: { executeHttpStep: unknown; baseUrl?: string; userAgent?: string; runId?: string; log?: unknown }) => Promise<{ id: string; steps: string[] }>;
  CANARY_HEADER: string;
  STEP_CONFIG: Record<string, boolean>;
};
const SCRIPT = path.join(__dirname, '..', 'canary', 'api-journey.js');
const journey = Module.createRequire(__filename)(SCRIPT) as Journey;
const quiet = { info: () => {}, error: () => {} };

describe('canary journey', () => {
  test('creates, reads back, deletes and confirms the item is gone, in that order', async () => {
    const api = await startFakeItemsApi();
    const steps: StepRecord[] = [];
    try {
      const result = await journey.runJourney({ executeHttpStep: fakeExecuteHttpStep(steps), baseUrl: api.baseUrl, runId: 'test-run', log: quiet });
      assert.deepEqual(result.steps, ['createItem', 'readItem', 'deleteItem', 'confirmDeleted']);
      assert.deepEqual(
        api.calls.map((c) => `${c.method} ${c.path}`),
        ['POST /items', `GET /items/${result.id}`, `DELETE /items/${result.id}`, `GET /items/${result.id}`],
      );
      // Nothing the canary made is left in the table.
      assert.equal(api.items.size, 0);
      assert.match(JSON.parse(api.calls[0].body).name, /^canary test-run /);
    } finally {
      await api.close();
    }
  });

  test('marks every request with the canary header and stops on the first failed step', async () => {
    const api = await startFakeItemsApi();
    const steps: StepRecord[] = [];
    try {
      await journey.runJourney({ executeHttpStep: fakeExecuteHttpStep(steps), baseUrl: api.baseUrl, runId: 'test-run', log: quiet });
      for (const call of api.calls) assert.equal(call.headers[journey.CANARY_HEADER], 'test-run');
      for (const step of steps) assert.equal((step.config as { continueOnHttpStepFailure: boolean }).continueOnHttpStepFailure, false);
    } finally {
      await api.close();
    }
  });

  test('fails the run when the create answers 500, and calls nothing else', async () => {
    const api = await startFakeItemsApi((call) => (call.method === 'POST' ? { status: 500, body: { message: 'unavailable' } } : undefined));
    try {
      await assert.rejects(
        journey.runJourney({ executeHttpStep: fakeExecuteHttpStep([]), baseUrl: api.baseUrl, log: quiet }),
        /expected HTTP 201, got 500/,
      );
      assert.equal(api.calls.length, 1);
    } finally {
      await api.close();
    }
  });

  test('fails the run when the create answers 201 without the item it was sent', async () => {
    const api = await startFakeItemsApi((call) => (call.method === 'POST' ? { status: 201, body: { id: 'x', name: 'someone else' } } : undefined));
    try {
      await assert.rejects(journey.runJourney({ executeHttpStep: fakeExecuteHttpStep([]), baseUrl: api.baseUrl, log: quiet }), /the created item is named/);
    } finally {
      await api.close();
    }
  });

  test('still deletes the item when the read-back is wrong, and reports the read failure', async () => {
    const api = await startFakeItemsApi((call) => (call.method === 'GET' && api.items.size > 0 ? { status: 200, body: { id: 'other', name: 'other' } } : undefined));
    const steps: StepRecord[] = [];
    try {
      await assert.rejects(
        journey.runJourney({ executeHttpStep: fakeExecuteHttpStep(steps), baseUrl: api.baseUrl, log: quiet }),
        /not the item just created/,
      );
      assert.deepEqual(
        steps.map((s) => [s.stepName, s.passed]),
        [['createItem', true], ['readItem', false], ['deleteItem', true], ['confirmDeleted', true]],
      );
      assert.equal(api.items.size, 0);
    } finally {
      await api.close();
    }
  });

  test('fails the run when the item is still there after the delete', async () => {
    const api = await startFakeItemsApi((call) => (call.method === 'DELETE' ? { status: 204 } : undefined));
    try {
      await assert.rejects(journey.runJourney({ executeHttpStep: fakeExecuteHttpStep([]), baseUrl: api.baseUrl, log: quiet }), /expected HTTP 404, got 200/);
    } finally {
      await api.close();
    }
  });

  test('refuses to run without an API URL', async () => {
    await assert.rejects(journey.runJourney({ executeHttpStep: fakeExecuteHttpStep([]), baseUrl: undefined, log: quiet }), /API_URL is not set/);
  });
});

describe('canary handler', () => {
  /** Runs the real handler with the runtime's two modules stubbed under one pair of names only. */
  async function runHandlerWithModulesNamed(synthetics: string, logger: string) {
    const api = await startFakeItemsApi();
    const steps: StepRecord[] = [];
    const stubs: Record<string, unknown> = {
      [synthetics]: {
        executeHttpStep: fakeExecuteHttpStep(steps),
        getCanaryUserAgentString: () => 'CloudWatchSynthetics/arn:aws:synthetics:test',
        getCanaryName: () => 'api-journey-test',
      },
      [logger]: quiet,
    };
    // The runtime's layer provides these two modules; here they resolve to the stand-ins above.
    const loader = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
    const original = loader._load;
    loader._load = (request, ...rest) => (request in stubs ? stubs[request] : original(request, ...rest));
    const previousUrl = process.env.API_URL;
    process.env.API_URL = api.baseUrl;
    try {
      await journey.handler();
      assert.deepEqual(steps.map((s) => s.stepName), ['createItem', 'readItem', 'deleteItem', 'confirmDeleted']);
      assert.equal(api.calls[0].headers['user-agent'], 'CloudWatchSynthetics/arn:aws:synthetics:test');
      assert.equal(api.calls[0].headers[journey.CANARY_HEADER], 'api-journey-test');
    } finally {
      loader._load = original;
      if (previousUrl === undefined) delete process.env.API_URL;
      else process.env.API_URL = previousUrl;
      await api.close();
    }
  }

  test('runs the journey through the Synthetics modules against API_URL', async () => {
    await runHandlerWithModulesNamed('Synthetics', 'SyntheticsLogger');
  });

  test('loads the runtime modules by their new names on later runtimes', async () => {
    // syn-nodejs-puppeteer-13.1 and later name them @aws/synthetics-*; the legacy names are absent here.
    await runHandlerWithModulesNamed('@aws/synthetics-puppeteer', '@aws/synthetics-logger');
  });
});
