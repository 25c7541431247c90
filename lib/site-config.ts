/** Everything about where the site and its source live, in one place. */
export const siteConfig = {
  name: 'Serverless CDK Patterns',
  description:
    'Serverless AWS architecture patterns as real, tested AWS CDK code, each mapped to the Well-Architected Serverless Lens.',
  /**
   * The site's public address, with no trailing slash: canonical URLs, the sitemap, feeds, social cards
   * and the CLI's default all start here. Override with SITE_URL for a fork or a staging copy.
   */
  url: (process.env.SITE_URL ?? 'https://serverless-cdk-patterns.dev').replace(/\/+$/, ''),
  /** Source links point here; override with SITE_REPOSITORY_URL for a fork. */
  repository: {
    url: process.env.SITE_REPOSITORY_URL ?? 'https://github.com/serverless-cdk-patterns/serverless-cdk-patterns',
    branch: process.env.SITE_REPOSITORY_BRANCH ?? 'main',
  },
  lensUrl: 'https://docs.aws.amazon.com/wellarchitected/latest/serverless-applications-lens/welcome.html',
} as const;

export function repositoryUrl(path: string, kind: 'blob' | 'tree' = 'blob'): string {
  const { url, branch } = siteConfig.repository;
  return `${url}/${kind}/${branch}/${path.replace(/^\/+/, '')}`;
}
