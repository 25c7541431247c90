#!/usr/bin/env node
import open from 'open';
import { main } from '../src/main.js';

process.exitCode = await main({
  argv: process.argv.slice(2),
  env: process.env,
  cwd: process.cwd(),
  out: (s) => console.log(s),
  err: (s) => console.error(s),
  // A browser that cannot start is not fatal: the URL is already printed.
  openUrl: (url) => open(url).catch(() => undefined),
});
