// Builds dist/ one file at a time: every export carries its own type annotation (the tsconfig
// sets isolatedDeclarations, so `npm run typecheck` enforces it), so neither the JavaScript nor
// the declarations need a whole-program type check. That keeps `npm install` of this workspace
// under a second, where tsc spent five seconds reading aws-cdk-lib's declarations.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = dirname(fileURLToPath(import.meta.url));
const src = join(root, 'src');
const dist = join(root, 'dist');
const compilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.CommonJS,
  esModuleInterop: true,
};
const declarationOptions = { ...compilerOptions, declaration: true, isolatedDeclarations: true };

rmSync(dist, { recursive: true, force: true });
for (const entry of readdirSync(src, { recursive: true })) {
  const file = String(entry);
  if (!file.endsWith('.ts')) continue;
  const source = readFileSync(join(src, file), 'utf8');
  const out = join(dist, file.replace(/\.ts$/, ''));
  const js = ts.transpileModule(source, { compilerOptions, fileName: file, reportDiagnostics: true });
  const dts = ts.transpileDeclaration(source, { compilerOptions: declarationOptions, fileName: file, reportDiagnostics: true });
  const problems = [...(js.diagnostics ?? []), ...(dts.diagnostics ?? [])];
  if (problems.length > 0) {
    const text = problems.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')).join('\n  ');
    throw new Error(`${relative(root, join(src, file))}: cannot build on its own:\n  ${text}`);
  }
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(`${out}.js`, js.outputText);
  writeFileSync(`${out}.d.ts`, dts.outputText);
}
