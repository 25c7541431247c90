// After `next build`: turn an exported page into plain HTML plus the scripts of its islands.
import { type DefaultTreeAdapterMap, parse } from 'parse5';
import { SPECULATION_RULES } from './speculation-rules';

type Node = DefaultTreeAdapterMap['node'];
type Element = DefaultTreeAdapterMap['element'];

/** The bundle for one set of islands: its entry module and the shared chunks that entry imports. */
export type IslandAsset = { src: string; imports: string[] };
/** The bundle that hydrates exactly these islands (sorted names), if the build made one. */
export type BundleFor = (islands: readonly string[]) => IslandAsset | undefined;

export { SPECULATION_RULES };

export class PageRewriteError extends Error {}

/** Where the island bundles are served from, under the site's root. */
export const ISLANDS_DIR = '_islands';

const attr = (el: Element, name: string) => el.attrs.find((a) => a.name === name)?.value;
const text = (el: Element) => el.childNodes.map((n) => (n.nodeName === '#text' ? (n as { value: string }).value : '')).join('');

/**
 * Next's own scripts (its chunks, the polyfill, the Turbopack chunk list and the RSC payload), and
 * what an earlier run of this rewrite added, so that running it twice gives the same page.
 */
function isReplacedScript(el: Element): boolean {
  const src = attr(el, 'src');
  if (src) return src.startsWith('/_next/') || src.startsWith(`/${ISLANDS_DIR}/`);
  if (attr(el, 'type') === 'speculationrules') return true;
  const body = text(el);
  return body.includes('self.__next_f') || body.includes('TURBOPACK');
}

const isScriptPreload = (el: Element) => {
  const rel = attr(el, 'rel') ?? '';
  return (rel === 'preload' && attr(el, 'as') === 'script') || rel === 'modulepreload';
};

/**
 * Removes Next's runtime and RSC payload from one exported page, and adds the speculation rules and
 * the one module script that hydrates the islands the page contains (with its shared chunks
 * preloaded), at the end of the body so it never competes with what the page paints first. Throws,
 * naming what it found, on anything it cannot strip safely: an unknown script, an island without a
 * bundle, or a Suspense boundary still waiting for the runtime to stream its content in.
 */
export function rewritePage(html: string, bundleFor: BundleFor): { html: string; islands: string[] } {
  const doc = parse(html, { sourceCodeLocationInfo: true });
  const cuts: [number, number][] = [];
  const islands = new Set<string>();
  let headEnd: number | undefined;
  let bodyEnd: number | undefined;

  const visit = (node: Node) => {
    if (node.nodeName === '#comment') {
      const data = (node as { data: string }).data;
      if (data === '$?' || data === '$!') throw new PageRewriteError(`a Suspense boundary (<!--${data}-->) needs the runtime to fill it in`);
    }
    if (!('tagName' in node)) return;
    const el = node as Element;
    const where = el.sourceCodeLocation;
    if (el.tagName === 'head') headEnd = where?.endTag?.startOffset;
    if (el.tagName === 'body') bodyEnd = where?.endTag?.startOffset;
    if (el.tagName === 'template') throw new PageRewriteError('a <template> (streamed content) needs the runtime to fill it in');
    const island = attr(el, 'data-island');
    if (island !== undefined) islands.add(island);
    const strip = el.tagName === 'script' ? isReplacedScript(el) : el.tagName === 'link' && isScriptPreload(el);
    if (strip && where) {
      cuts.push([where.startOffset, where.endOffset]);
      return;
    }
    if (el.tagName === 'script' && attr(el, 'data-boot') === undefined) {
      throw new PageRewriteError(`unknown script ${attr(el, 'src') ?? `"${text(el).slice(0, 60)}"`}: mark a script of ours with data-boot`);
    }
    for (const child of el.childNodes) visit(child);
  };
  for (const child of doc.childNodes) visit(child);
  if (headEnd === undefined || bodyEnd === undefined) throw new PageRewriteError('no </head> or </body> to add the scripts before');

  const names = [...islands].sort();
  const bundle = names.length ? bundleFor(names) : undefined;
  if (names.length && !bundle) throw new PageRewriteError(`no bundle hydrates the islands ${names.join(', ')}`);
  const inserts = new Map<number, string>([
    [headEnd, `<script type="speculationrules" data-boot>${SPECULATION_RULES}</script>`],
    [bodyEnd, bundle ? [...bundle.imports.map((href) => `<link rel="modulepreload" href="${href}">`), `<script type="module" src="${bundle.src}"></script>`].join('') : ''],
  ]);

  let out = '';
  let at = 0;
  const edits = [...cuts.map(([start, end]) => ({ start, end, text: '' })), ...[...inserts].map(([offset, text]) => ({ start: offset, end: offset, text }))];
  for (const { start, end, text } of edits.sort((a, b) => a.start - b.start || a.end - b.end)) {
    out += html.slice(at, start) + text;
    at = end;
  }
  return { html: out + html.slice(at), islands: names };
}
