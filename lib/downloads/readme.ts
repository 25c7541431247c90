// The README a downloaded app carries: how to install, test, deploy, try and remove it, outside this repository.
export type ReadmeInput = {
  slug: string;
  title: string;
  summary: string;
  language: 'typescript' | 'python';
  pageUrl: string;
  /** The CDK CLI the TypeScript apps pin; Python apps run it through npx at this version. */
  cdkCliVersion: string;
  /** Stack ids `cdk deploy` creates. */
  stacks: readonly string[];
  /** What `cdk destroy` leaves behind, from the synthesized templates. */
  leftovers: readonly { stack: string; path: string; what: string }[];
  /** An anti-pattern: the stack that exists to be read, synthesized only on request. */
  before?: string;
};

const fence = (lines: readonly string[]) => ['```bash', ...lines, '```'].join('\n');
const commented = (rows: [string, string][]) => {
  const width = Math.max(...rows.map(([c]) => c.length)) + 2;
  return rows.map(([c, why]) => `${c.padEnd(width)}# ${why}`);
};

export function appReadme(r: ReadmeInput): string {
  const py = r.language === 'python';
  const cdk = py ? `npx aws-cdk@${r.cdkCliVersion}` : 'npx cdk';
  const needs = py
    ? `Python 3.11 or later with venv and pip, and Node.js 20.19 or later (CDK for Python runs the CDK library through Node.js; \`${cdk}\` fetches the CDK CLI the catalog pins).`
    : 'Node.js 20.19 or later and npm.';
  const install = py
    ? ['python3 -m venv .venv', 'source .venv/bin/activate   # Windows: .venv\\Scripts\\activate', 'pip install -r requirements-dev.txt']
    : ['npm ci'];
  const test = py ? 'pytest' : 'npm test';
  const stacks = r.stacks.map((s) => `\`${s}\``).join(', ');
  const leftovers = r.leftovers.length
    ? ['`cdk destroy` keeps these on purpose; delete them by hand once you no longer need their data:', '', ...r.leftovers.map((l) => `- \`${l.stack}/${l.path}\`: ${l.what}`)]
    : ['Nothing is retained: `cdk destroy` removes every resource the stack created.'];
  return [
    `# ${r.title}`,
    '',
    r.summary,
    '',
    `A standalone AWS CDK app (${py ? 'Python' : 'TypeScript'}) from the Serverless CDK Patterns catalog. The pattern page explains the design, the trade-offs and what each resource is for: ${r.pageUrl}`,
    '',
    '## Install and test (no AWS account needed)',
    '',
    `You need ${needs}`,
    '',
    fence([...install, ...commented([[`${cdk} synth`, 'prints the CloudFormation template'], [test, 'assertions on the template, handler tests']])]),
    ...(r.before ? ['', `The anti-pattern itself is synthesized only on request: \`${cdk} synth -c antiPattern=before ${r.before}\`. It is there to be read and tested, not deployed.`] : []),
    '',
    '## Deploy',
    '',
    `You need AWS credentials for the target account and Region, and a CDK bootstrap there (\`${cdk} bootstrap\`, once per account and Region). This deploys ${stacks}:`,
    '',
    fence([`${cdk} deploy`]),
    '',
    '## Try it',
    '',
    `The pattern page walks through requests to send and what to look for in the logs, metrics and tables: ${r.pageUrl}#try-it`,
    '',
    '## Clean up',
    '',
    fence([`${cdk} destroy`]),
    '',
    ...leftovers,
    '',
  ].join('\n');
}

export function appGitignore(language: 'typescript' | 'python'): string {
  const common = ['cdk.out/', '.DS_Store'];
  const own = language === 'python' ? ['.venv/', '__pycache__/', '*.pyc', '.pytest_cache/'] : ['node_modules/', '*.tsbuildinfo'];
  return [...own, ...common].join('\n') + '\n';
}
