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

export const SHIKI_THEMES = { light: 'github-light', dark: 'github-dark' } as const;

/** Highlighted at build time; the browser receives coloured HTML and no highlighter. */
export function highlight(code: string, lang: string): Promise<string> {
  return codeToHtml(code, { lang, themes: SHIKI_THEMES });
}
