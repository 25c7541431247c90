import { availableParallelism } from 'node:os';

/** @type {import('next').NextConfig} */
const nextConfig = {
  // The site is plain files: every route is rendered at build time into out/.
  output: 'export',
  trailingSlash: true,
  images: { unoptimized: true },
  poweredByHeader: false,
  reactStrictMode: true,
  // The CDK apps under content/ are separate programs with their own tsconfig. `npm run typecheck`
  // (part of `npm test`) checks the site's types, so the build, and with it `npm start`, skips that.
  typescript: { tsconfigPath: 'tsconfig.json', ignoreBuildErrors: true },
  // Next leaves one core to itself and renders on the rest: a single worker on a 2-core
  // machine. Rendering is most of the build (highlighting every source file), so use them all.
  experimental: { cpus: availableParallelism() },
  // A pattern page renders in a few seconds alone, but a busy small machine (tests or another build
  // beside this one) pushed some past Next's 60 s limit; a slow page is not a broken one.
  staticPageGenerationTimeout: 300,
};

export default nextConfig;
