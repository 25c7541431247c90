import { defineConfig, globalIgnores } from 'eslint/config';
import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTs from 'eslint-config-next/typescript';

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  {
    rules: {
      // Named exports keep imports greppable; pages and configs are the framework's exception.
      'import/no-default-export': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['app/**/{page,layout,not-found}.tsx', '*.config.{mjs,ts}', 'playwright.config.ts'],
    rules: { 'import/no-default-export': 'off' },
  },
  {
    // Tests read raw CloudFormation JSON, and the Python suites' Node probes read JSON requests
    // from pytest: neither has a static type to check against.
    files: ['content/patterns/*/typescript/test/**/*.ts', 'content/patterns/*/python/tests/**/*.{ts,mts}'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  globalIgnores(['.venv/**', '.tmp/**', '.next/**', 'out/**', '.generated/**', 'next-env.d.ts', 'public/**', 'content/patterns/*/*/cdk.out/**', 'snapshots/**', 'content/patterns/*/*/site-dist/**']),
]);
