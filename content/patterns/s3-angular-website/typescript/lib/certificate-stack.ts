import { Stack, type StackProps } from 'aws-cdk-lib';
import { Certificate, CertificateValidation, type ICertificate } from 'aws-cdk-lib/aws-certificatemanager';
import { HostedZone } from 'aws-cdk-lib/aws-route53';
import type { Construct } from 'constructs';
import type { SiteDomain } from './s3-angular-website-stack';

export interface SiteCertificateStackProps extends StackProps {
  domain: SiteDomain;
}

/**
 * CloudFront reads certificates from us-east-1 only. When the site stack lives elsewhere, this
 * stack is deployed to us-east-1 and hands the certificate over with crossRegionReferences.
 */
export class SiteCertificateStack extends Stack {
  readonly certificate: ICertificate;

  constructor(scope: Construct, id: string, props: SiteCertificateStackProps) {
    super(scope, id, props);
    const zone = HostedZone.fromHostedZoneAttributes(this, 'Zone', {
      hostedZoneId: props.domain.hostedZoneId,
      zoneName: props.domain.zoneName,
    });
    this.certificate = new Certificate(this, 'SiteCertificate', {
      domainName: props.domain.domainName,
      validation: CertificateValidation.fromDns(zone),
    });
  }
}
