// A tiny catalog site in memory, served on an ephemeral port, for the CLI's tests.
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { zipSync } from 'fflate';

const enc = (s: string) => new TextEncoder().encode(s);

export function fixtureZip(folder: string, files: Record<string, string>): Uint8Array {
  return zipSync(Object.fromEntries(Object.entries(files).map(([p, c]) => [`${folder}/${p}`, enc(c)])));
}

const entry = (slug: string, zip: Uint8Array, language: string) => ({
  path: `downloads/${slug}-${language}.zip`,
  sha256: createHash('sha256').update(zip).digest('hex'),
  bytes: zip.byteLength,
});

export function fixtureSite() {
  const tsZip = fixtureZip('the-big-fan-typescript', { 'package.json': '{"name":"the-big-fan"}\n', 'lib/stack.ts': 'export {};\n', 'README.md': '# The Big Fan\n' });
  const pyZip = fixtureZip('the-big-fan-python', { 'app.py': 'print("hi")\n', 'requirements.txt': 'aws-cdk-lib==2.275.0\n' });
  const sqsZip = fixtureZip('queue-worker-typescript', { 'package.json': '{}\n' });
  const catalog = {
    version: 1,
    components: [
      { id: 'sns', name: 'Amazon SNS' },
      { id: 'sqs', name: 'Amazon SQS' },
    ],
    pillars: [
      { id: 'reliability', code: 'REL', name: 'Reliability' },
      { id: 'security', code: 'SEC', name: 'Security' },
    ],
    patterns: [
      {
        slug: 'the-big-fan', title: 'The Big Fan', summary: 'One topic fans out to many queues.', kind: 'pattern', level: 'intermediate',
        components: ['sns', 'sqs'], pillars: ['reliability'], practices: ['REL 1.1'], languages: ['typescript', 'python'], page: 'patterns/the-big-fan/', cdkCli: '2.1148.1',
        downloads: { typescript: entry('the-big-fan', tsZip, 'typescript'), python: entry('the-big-fan', pyZip, 'python') },
      },
      {
        slug: 'queue-worker', title: 'Queue Worker', summary: 'A function drains a queue.', kind: 'pattern', level: 'beginner',
        components: ['sqs'], pillars: ['security'], practices: [], languages: ['typescript'], page: 'patterns/queue-worker/', cdkCli: '2.1148.1',
        downloads: { typescript: entry('queue-worker', sqsZip, 'typescript') },
      },
    ],
  };
  const files = new Map<string, Uint8Array>([
    ['/catalog.json', enc(JSON.stringify(catalog))],
    ['/downloads/the-big-fan-typescript.zip', tsZip],
    ['/downloads/the-big-fan-python.zip', pyZip],
    // Served bytes that differ from what the catalog records.
    ['/downloads/queue-worker-typescript.zip', fixtureZip('queue-worker-typescript', { 'package.json': '{"tampered":true}\n' })],
  ]);
  return { catalog, files };
}

export async function serve(files: Map<string, Uint8Array>): Promise<{ base: string; server: Server }> {
  const server = createServer((req, res) => {
    const body = files.get(new URL(req.url ?? '/', 'http://x').pathname);
    res.writeHead(body ? 200 : 404).end(body ?? 'not found');
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server };
}
