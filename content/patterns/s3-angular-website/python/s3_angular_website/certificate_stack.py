"""CloudFront reads certificates from us-east-1 only. When the site stack lives elsewhere, this stack is
deployed to us-east-1 and hands the certificate over with cross_region_references."""

from __future__ import annotations

from typing import Any

from aws_cdk import Stack
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_route53 as route53
from constructs import Construct

from s3_angular_website.s3_angular_website_stack import SiteDomain


class SiteCertificateStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, *, domain: SiteDomain, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)
        zone = route53.HostedZone.from_hosted_zone_attributes(
            self, "Zone", hosted_zone_id=domain.hosted_zone_id, zone_name=domain.zone_name
        )
        self.certificate: acm.ICertificate = acm.Certificate(
            self,
            "SiteCertificate",
            domain_name=domain.domain_name,
            validation=acm.CertificateValidation.from_dns(zone),
        )
