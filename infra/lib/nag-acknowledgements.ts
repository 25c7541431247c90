// The AwsSolutions findings this stack accepts, each with the reason it is right for a public,
// static, read-only site. Anything not listed here stops the synth.
import { Token, Validations, type Stack } from 'aws-cdk-lib';
import type { Distribution } from 'aws-cdk-lib/aws-cloudfront';
import type { Role } from 'aws-cdk-lib/aws-iam';
import type { Bucket, CfnBucket } from 'aws-cdk-lib/aws-s3';

export interface NagScope {
  site: Bucket;
  distribution: Distribution;
  deployRole: Role;
  customDomain: boolean;
}

export function acknowledgeFindings(stack: Stack, { site, distribution, deployRole, customDomain }: NagScope): void {
  const on = (scope: Parameters<typeof Validations.of>[0], id: string, reason: string) => Validations.of(scope).acknowledge({ id, reason });

  on(distribution, 'AwsSolutions-CFR1', 'A public catalog for readers in any country; nothing in it has legal limits that a geo restriction would enforce.');
  on(
    distribution,
    'AwsSolutions-CFR2',
    'Only GET and HEAD of static files reach a private bucket with no compute behind it; a WAF web ACL (from $5 a month) would guard nothing. Attach one if an API or login is ever added.',
  );
  if (!customDomain) {
    on(
      distribution,
      'AwsSolutions-CFR4',
      'Without a custom domain CloudFront serves its *.cloudfront.net certificate, whose TLS policy cannot be chosen; with -c domainName and -c certificateArn the distribution uses TLSv1.2_2021.',
    );
  }

  // BucketDeployment writes these grants; the keys it copies are only known at deploy time.
  const siteArn = `<${stack.getLogicalId(site.node.defaultChild as CfnBucket)}.Arn>`;
  const envAgnostic = Token.isUnresolved(stack.account) || Token.isUnresolved(stack.region);
  const assetBucket = `cdk-hnb659fds-assets-${envAgnostic ? '<AWS::AccountId>-<AWS::Region>' : `${stack.account}-${stack.region}`}`;
  const assetKey = 'The asset object key is a content hash chosen at synth time; the grant stays inside the CDK bootstrap asset bucket.';
  const wildcards: Record<string, string> = {
    'Action::s3:GetObject*': 'Reads the zipped site from the CDK asset bucket and, while syncing, the objects already in the site bucket.',
    'Action::s3:GetBucket*': 'The AWS CLI sync inside the deployment function reads the location and settings of both buckets.',
    'Action::s3:List*': 'aws s3 sync lists the site bucket to find changed and removed files; list actions cannot name single keys.',
    'Action::s3:DeleteObject*': 'DeployPages prunes pages that no longer exist, which needs delete on any key of the site bucket.',
    'Action::s3:Abort*': 'Lets the CLI abort its own multipart uploads instead of leaving orphaned parts.',
    [`Resource::arn:<AWS::Partition>:s3:::${assetBucket}/*`]: assetKey,
    [`Resource::arn:aws:s3:::${assetBucket}/*`]: assetKey,
    [`Resource::${siteArn}/*`]: 'The function writes any file of the built site, so it needs every key in this one bucket and no other.',
    'Resource::*': 'cloudfront:CreateInvalidation and GetInvalidation, which the deployment needs to invalidate the distribution, support no resource-level scoping.',
  };
  for (const [finding, reason] of Object.entries(wildcards)) on(deployRole, `AwsSolutions-IAM5[${finding}]`, reason);

  // The deployment function is a singleton aws-cdk-lib defines and versions; the stack only picks its role and log group.
  for (const child of stack.node.children.filter((c) => c.node.id.startsWith('Custom::CDKBucketDeployment'))) {
    on(child, 'AwsSolutions-L1', 'aws-cdk-lib picks and upgrades the Python runtime of its BucketDeployment function with the library, not in this stack.');
  }
}
