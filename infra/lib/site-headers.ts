import { Duration } from 'aws-cdk-lib';
import { HeadersFrameOption, HeadersReferrerPolicy, ResponseHeadersPolicy } from 'aws-cdk-lib/aws-cloudfront';
import type { Construct } from 'constructs';
import { SECURITY_SETTINGS } from '../../lib/security-headers';

// CloudFront refuses a longer Content-Security-Policy in a response headers policy.
export const CLOUDFRONT_CSP_LIMIT = 1783;

function oneOf<T extends string>(values: Record<string, T>, value: string, what: string): T {
  const found = Object.values(values).find((v) => v === value);
  if (!found) throw new Error(`lib/security-headers.ts: ${what} "${value}" is not one CloudFront supports (${Object.values(values).join(', ')}).`);
  return found;
}

/**
 * The response headers policy for every behavior: the same settings the local server sends
 * (lib/security-headers.ts), each with override so the policy, not the object, has the last word.
 */
export function siteHeadersPolicy(scope: Construct, id: string): ResponseHeadersPolicy {
  const s = SECURITY_SETTINGS;
  if (s.contentSecurityPolicy.length > CLOUDFRONT_CSP_LIMIT) {
    throw new Error(`lib/security-headers.ts: the Content-Security-Policy is ${s.contentSecurityPolicy.length} characters; CloudFront accepts at most ${CLOUDFRONT_CSP_LIMIT}.`);
  }
  return new ResponseHeadersPolicy(scope, id, {
    comment: 'The catalog site: CSP from lib/security-headers.ts, HSTS, nosniff, referrer and permissions policies',
    securityHeadersBehavior: {
      contentSecurityPolicy: { contentSecurityPolicy: s.contentSecurityPolicy, override: true },
      strictTransportSecurity: { accessControlMaxAge: Duration.seconds(s.hstsMaxAgeSeconds), includeSubdomains: s.hstsIncludeSubdomains, override: true },
      contentTypeOptions: { override: true },
      frameOptions: { frameOption: oneOf(HeadersFrameOption, s.frameOptions, 'X-Frame-Options'), override: true },
      referrerPolicy: { referrerPolicy: oneOf(HeadersReferrerPolicy, s.referrerPolicy, 'Referrer-Policy'), override: true },
    },
    customHeadersBehavior: {
      customHeaders: [{ header: 'Permissions-Policy', value: s.permissionsPolicy, override: true }],
    },
  });
}
