import { defineConfig, globalIgnores } from 'eslint/config';
import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTs from 'eslint-config-next/typescript';

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  {
    // The files Next's config loads the import plugin for (not .cjs, such as a test harness).
    files: ['**/*.{js,jsx,mjs,ts,tsx,mts,cts}'],
    rules: {
      // Named exports keep imports greppable; pages and configs are the framework's exception.
      'import/no-default-export': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['app/**/{page,layout,not-found}.tsx', 'app/{sitemap,robots}.ts', '*.config.{mjs,ts}', 'playwright.config.ts'],
    rules: { 'import/no-default-export': 'off' },
  },
  {
    // Tests read raw CloudFormation JSON, and the Python suites' Node probes read JSON requests
    // from pytest: neither has a static type to check against.
    files: ['content/patterns/*/typescript/test/**/*.ts', 'content/patterns/*/python/tests/**/*.{ts,mts}'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // An underscore marks a parameter or binding kept on purpose (a handler's unused context, a key
    // dropped from a copy), as TypeScript's noUnused* options already accept.
    rules: {
      '@typescript-eslint/no-unused-vars': ['warn', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
  {
    // CDK apps are not React: a CDK method named use… (CsvHeaders.useFirstRow) is not a hook.
    files: ['content/patterns/*/*/{bin,lib,lambda,test}/**/*.ts'],
    rules: { 'react-hooks/rules-of-hooks': 'off' },
  },
  {
    // Canary scripts run as CommonJS in the CloudWatch Synthetics runtime, which loads its library with require().
    files: ['content/patterns/*/*/canary/**/*.js', 'content/patterns/*/python/tests/**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  globalIgnores(['.venv/**', '.tmp/**', '.next/**', 'out/**', '.generated/**', 'next-env.d.ts', 'public/**', 'content/patterns/*/*/cdk.out/**', 'snapshots/**', 'packages/*/dist/**', 'content/patterns/*/*/site-dist/**']),
]);
