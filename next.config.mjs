/** @type {import('next').NextConfig} */
const nextConfig = {
  // The site is plain files: every route is rendered at build time into out/.
  output: 'export',
  trailingSlash: true,
  images: { unoptimized: true },
  poweredByHeader: false,
  reactStrictMode: true,
  // The CDK apps under content/ are separate programs with their own tsconfig.
  typescript: { tsconfigPath: 'tsconfig.json' },
};

export default nextConfig;
