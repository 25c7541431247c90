import { randomUUID } from 'node:crypto';
import { type IncomingMessage, type RequestOptions, createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the fake API received. */
export type Call = { method: string; path: string; headers: IncomingMessage['headers']; body: string };
/** Answer a call differently from the well-behaved API; return undefined to answer normally. */
export type Override = (call: Call, nth: number) => { status: number; body?: unknown } | undefined;

/**
 * A local HTTP server that behaves like the items API (201 on create, 200 on read, 204 on delete,
 * 404 for a missing item), so the canary script talks real HTTP in its tests.
 */
export async function startFakeItemsApi(override: Override = () => undefined) {
  const items = new Map<string, { id: string; name: string; createdAt: string }>();
  const calls: Call[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
    });
    req.on('end', () => {
      const call: Call = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body };
      calls.push(call);
      const send = (status: number, payload?: unknown) => {
        res.writeHead(status, payload === undefined ? {} : { 'content-type': 'application/json' });
        res.end(payload === undefined ? undefined : JSON.stringify(payload));
      };
      const forced = override(call, calls.length);
      if (forced) return send(forced.status, forced.body);
      const id = decodeURIComponent(call.path.replace(/^\/items\/?/, ''));
      if (call.method === 'POST' && call.path === '/items') {
        const item = { id: randomUUID(), name: (JSON.parse(body) as { name: string }).name, createdAt: new Date().toISOString() };
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
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    calls,
    items,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

type StepOptions = RequestOptions & { body?: string };
export type StepRecord = { stepName: string; options: StepOptions; config: unknown; passed: boolean };

/**
 * Stands in for Synthetics' executeHttpStep: sends the request with Node's http module, hands the
 * response to the step's callback, and fails the step when the callback throws or rejects.
 */
export function fakeExecuteHttpStep(steps: StepRecord[]) {
  return (stepName: string, options: StepOptions, callback: (res: IncomingMessage) => unknown, config: unknown) =>
    new Promise<unknown>((resolve, reject) => {
      const { body, ...requestOptions } = options;
      const req = httpRequest({ ...requestOptions, protocol: 'http:' }, (res) => {
        Promise.resolve()
          .then(() => callback(res))
          .then(
            (value) => {
              steps.push({ stepName, options, config, passed: true });
              resolve(value);
            },
            (error: unknown) => {
              steps.push({ stepName, options, config, passed: false });
              reject(error);
            },
          );
      });
      req.on('error', reject);
      if (body !== undefined) req.write(body);
      req.end();
    });
}
