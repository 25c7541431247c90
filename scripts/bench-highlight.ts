// Highlighting benchmark: every source file of the catalog through the build's one-pass path
// and through Shiki's own two-theme path, timed per language, and the two outputs compared.
// A benchmark, not a test: it prints numbers, and exits 1 only if an output differs.
import { performance } from 'node:perf_hooks';
import { getCatalog, getSourceFile } from '../lib/content';
import { highlight, highlightTwoPass, languageOf } from '../lib/highlight';

type Row = { files: number; bytes: number; onePass: number; twoPass: number };
const rows = new Map<string, Row>();
const differing: string[] = [];
for (const pattern of getCatalog().patterns) {
  for (const [language, files] of [['typescript', pattern.sourceFiles], ['python', pattern.pythonFiles]] as const) {
    for (const file of files) {
      const code = getSourceFile(pattern.slug, file, language);
      const lang = languageOf(file);
      let started = performance.now();
      const one = await highlight(code, lang);
      const onePass = performance.now() - started;
      started = performance.now();
      const two = await highlightTwoPass(code, lang);
      const twoPass = performance.now() - started;
      if (one.html !== two.html || one.css !== two.css) differing.push(`content/patterns/${pattern.slug}/${language}/${file}`);
      const row = rows.get(lang) ?? { files: 0, bytes: 0, onePass: 0, twoPass: 0 };
      rows.set(lang, { files: row.files + 1, bytes: row.bytes + code.length, onePass: row.onePass + onePass, twoPass: row.twoPass + twoPass });
    }
  }
}

const total = [...rows.values()].reduce((a, r) => ({ files: a.files + r.files, bytes: a.bytes + r.bytes, onePass: a.onePass + r.onePass, twoPass: a.twoPass + r.twoPass }));
const line = (name: string, r: Row) =>
  `| ${name} | ${r.files} | ${(r.bytes / 1e6).toFixed(2)} MB | ${(r.onePass / 1000).toFixed(1)} s (${Math.round(r.bytes / r.onePass)} B/ms) | ${(r.twoPass / 1000).toFixed(1)} s |`;
console.log('\nHighlighting the catalog\'s source, one process, first run (grammars compile on first use)\n');
console.log('| grammar | files | source | one pass (the build) | two passes (Shiki themes) |\n|---|---|---|---|---|');
for (const [name, row] of [...rows].sort((a, b) => b[1].onePass - a[1].onePass)) console.log(line(name, row));
console.log(line('all', total));
if (differing.length) {
  console.error(`\n✖ ${differing.length} file(s) highlight differently in one pass:\n  ${differing.join('\n  ')}`);
  process.exit(1);
}
console.log(`\nThe one-pass output is byte-identical to Shiki's two-theme output for all ${total.files} files.`);
