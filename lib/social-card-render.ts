// Renders a social card SVG to PNG offline (resvg compiled to WebAssembly, so no browser and no native
// binary), with the Geist font from its npm package so every machine draws the same pixels.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { initWasm, Resvg } from '@resvg/resvg-wasm';

/** Bump with the renderer or the font, so cached cards are drawn again. */
const RENDERER = 'resvg-wasm-2.6.2/geist-1.9.2/v1';
const root = process.cwd();
const modules = join(root, 'node_modules');
/** Cards by a hash of their SVG: a rebuild redraws only the cards whose title or diagram changed. */
const cacheDir = join(modules, '.cache', 'social-cards');

let ready: Promise<Uint8Array[]> | undefined;

function setUp(): Promise<Uint8Array[]> {
  ready ??= (async () => {
    const wasm = join(modules, '@resvg', 'resvg-wasm', 'index_bg.wasm');
    const fonts = ['Regular', 'Bold'].map((w) => join(modules, 'geist', 'dist', 'fonts', 'geist-sans', `Geist-${w}.ttf`));
    for (const f of [wasm, ...fonts]) if (!existsSync(f)) throw new Error(`social cards: ${f} is missing; run npm install (it comes with @resvg/resvg-wasm and geist)`);
    await initWasm(readFileSync(wasm));
    return fonts.map((f) => readFileSync(f));
  })();
  return ready;
}

export async function renderCardPng(svg: string): Promise<Uint8Array> {
  const key = createHash('sha256').update(`${RENDERER}\n${svg}`).digest('hex').slice(0, 24);
  const cached = join(cacheDir, `${key}.png`);
  if (existsSync(cached)) return readFileSync(cached);
  const fontBuffers = await setUp();
  const resvg = new Resvg(svg, { font: { fontBuffers, defaultFontFamily: 'Geist', sansSerifFamily: 'Geist' }, fitTo: { mode: 'original' } });
  const png = resvg.render().asPng();
  resvg.free();
  // Written beside, then renamed: two build workers never see half a file.
  mkdirSync(cacheDir, { recursive: true });
  const partial = `${cached}.${process.pid}.tmp`;
  writeFileSync(partial, png);
  renameSync(partial, cached);
  return png;
}
