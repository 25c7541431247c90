import { transformerStyleToClass } from '@shikijs/transformers';
import { codeToHtml } from 'shiki';

const LANGUAGES: Record<string, string> = {
  ts: 'typescript',
  tsx: 'tsx',
  js: 'javascript',
  mjs: 'javascript',
  json: 'json',
  md: 'markdown',
  yml: 'yaml',
  yaml: 'yaml',
  py: 'python',
  sh: 'shellscript',
};

export function languageOf(file: string): string {
  const ext = file.split('.').pop()?.toLowerCase() ?? '';
  return LANGUAGES[ext] ?? 'text';
}

export const SHIKI_THEMES = { light: 'github-light-default', dark: 'github-dark-default' } as const;

export type Highlighted = { html: string; css: string };

/**
 * Highlighted at build time, so the browser gets coloured HTML and no highlighter.
 * Token colours become short shared classes instead of a style on every token,
 * which keeps code-heavy pages far lighter.
 */
export async function highlight(code: string, lang: string): Promise<Highlighted> {
  const toClass = transformerStyleToClass({ classPrefix: 'sk-' });
  const html = await codeToHtml(code, { lang, themes: SHIKI_THEMES, transformers: [toClass] });
  return { html, css: toClass.getCSS() };
}

/** One stylesheet for several highlighted blocks: each class rule once. */
export function mergeCss(parts: readonly string[]): string {
  const rules = new Set(parts.flatMap((css) => css.split('}').map((r) => r.trim()).filter(Boolean)));
  return [...rules].map((r) => `${r}}`).join('');
}
