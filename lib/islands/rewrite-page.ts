// After `next build`: turn an exported page into plain HTML plus the scripts of its islands.
import type { Token } from 'parse5';
import { SAXParser, type StartTag } from 'parse5-sax-parser';
import { SPECULATION_RULES } from './speculation-rules';

/** The bundle for one set of islands: its entry module and the shared chunks that entry imports. */
export type IslandAsset = { src: string; imports: string[] };
/** The bundle that hydrates exactly these islands (sorted names), if the build made one. */
export type BundleFor = (islands: readonly string[]) => IslandAsset | undefined;

export { SPECULATION_RULES };

export class PageRewriteError extends Error {}

/** Where the island bundles are served from, under the site's root. */
export const ISLANDS_DIR = '_islands';

const attr = (el: StartTag, name: string) => el.attrs.find((a: Token.Attribute) => a.name === name)?.value;

/**
 * Next's own scripts (its chunks, the polyfill, the Turbopack chunk list and the RSC payload), and
 * what an earlier run of this rewrite added, so that running it twice gives the same page.
 */
function isReplacedScript(el: StartTag, body: string): boolean {
  const src = attr(el, 'src');
  if (src) return src.startsWith('/_next/') || src.startsWith(`/${ISLANDS_DIR}/`);
  if (attr(el, 'type') === 'speculationrules') return true;
  return body.includes('self.__next_f') || body.includes('TURBOPACK');
}

const isScriptPreload = (el: StartTag) => {
  const rel = attr(el, 'rel') ?? '';
  return (rel === 'preload' && attr(el, 'as') === 'script') || rel === 'modulepreload';
};

/**
 * Tags and comments only: a script's text is read from the page by offset, so the characters
 * between tags (megabytes of RSC payload and highlighted source) are never gathered into strings.
 */
class TagScanner extends SAXParser {
  override onCharacter() {}
}

/**
 * Removes Next's runtime and RSC payload from one exported page, and adds the speculation rules and
 * the one module script that hydrates the islands the page contains (with its shared chunks
 * preloaded), at the end of the body so it never competes with what the page paints first. Throws,
 * naming what it found, on anything it cannot strip safely: an unknown script, an island without a
 * bundle, or a Suspense boundary still waiting for the runtime to stream its content in.
 */
export async function rewritePage(html: string, bundleFor: BundleFor): Promise<{ html: string; islands: string[] }> {
  const cuts: [number, number][] = [];
  const islands = new Set<string>();
  let headEnd: number | undefined;
  let bodyEnd: number | undefined;
  let script: StartTag | undefined;
  let problem: string | undefined;
  const refuse = (why: string) => (problem ??= why);

  // A token stream rather than a tree: the pages hold tens of thousands of highlighted spans, and
  // building a tree of them cost three times as long (most of it garbage collection).
  const parser = new TagScanner({ sourceCodeLocationInfo: true });
  parser.on('comment', ({ text }) => {
    if (text === '$?' || text === '$!') refuse(`a Suspense boundary (<!--${text}-->) needs the runtime to fill it in`);
  });
  parser.on('startTag', (tag) => {
    if (tag.tagName === 'template') refuse('a <template> (streamed content) needs the runtime to fill it in');
    const island = attr(tag, 'data-island');
    if (island !== undefined) islands.add(island);
    if (tag.tagName === 'script') script = tag;
    else if (tag.tagName === 'link' && isScriptPreload(tag)) cuts.push([tag.sourceCodeLocation!.startOffset, tag.sourceCodeLocation!.endOffset]);
  });
  parser.on('endTag', ({ tagName, sourceCodeLocation }) => {
    const at = sourceCodeLocation!.startOffset;
    if (tagName === 'head') headEnd = at;
    if (tagName === 'body') bodyEnd = at;
    if (tagName !== 'script' || !script) return;
    const tag = script;
    script = undefined;
    const body = html.slice(tag.sourceCodeLocation!.endOffset, at);
    if (isReplacedScript(tag, body)) cuts.push([tag.sourceCodeLocation!.startOffset, sourceCodeLocation!.endOffset]);
    else if (attr(tag, 'data-boot') === undefined) refuse(`unknown script ${attr(tag, 'src') ?? `"${body.slice(0, 60)}"`}: mark a script of ours with data-boot`);
  });
  await new Promise<void>((resolve, reject) => parser.on('error', reject).on('finish', resolve).end(html));
  if (problem) throw new PageRewriteError(problem);
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
