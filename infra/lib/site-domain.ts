// The optional custom domain, from CDK context:
//   cdk deploy -c domainName=patterns.example.com -c certificateArn=arn:aws:acm:us-east-1:…
// CloudFront only accepts ACM certificates from us-east-1, so a certificate from any other Region
// is refused here, at synth, rather than by CloudFormation halfway through a deploy.

export interface SiteDomain {
  /** The name readers type, e.g. patterns.example.com; you point it at the distribution in your DNS. */
  domainName: string;
  /** An ACM certificate in us-east-1 that covers domainName. */
  certificateArn: string;
}

const HOSTNAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const ACM_ARN = /^arn:aws[a-z-]*:acm:([a-z0-9-]+):\d{12}:certificate\/[0-9a-f-]{36}$/;

/** Reads domainName and certificateArn from context: both or neither, each checked, with errors that say what was expected. */
export function siteDomainFromContext(tryGetContext: (key: string) => unknown): SiteDomain | undefined {
  const domainName: unknown = tryGetContext('domainName');
  const certificateArn: unknown = tryGetContext('certificateArn');
  if (domainName === undefined && certificateArn === undefined) return undefined;
  if (typeof domainName !== 'string' || typeof certificateArn !== 'string') {
    throw new Error(
      'A custom domain needs both context values: -c domainName=<name readers type> -c certificateArn=<ACM certificate in us-east-1>; ' +
        `got domainName=${JSON.stringify(domainName)}, certificateArn=${JSON.stringify(certificateArn)}.`,
    );
  }
  if (!HOSTNAME.test(domainName)) {
    throw new Error(`Context domainName "${domainName}" is not a lower-case host name such as patterns.example.com.`);
  }
  const region = ACM_ARN.exec(certificateArn)?.[1];
  if (!region) {
    throw new Error(`Context certificateArn "${certificateArn}" is not an ACM certificate ARN (arn:aws:acm:us-east-1:<account>:certificate/<id>).`);
  }
  if (region !== 'us-east-1') {
    throw new Error(`Context certificateArn is in ${region}; CloudFront only uses ACM certificates from us-east-1. Request or import the certificate for ${domainName} there.`);
  }
  return { domainName, certificateArn };
}
