"""An Angular single-page app in a private S3 bucket behind CloudFront with Origin Access Control."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aws_cdk import Acknowledgment, Aws, CfnCondition, CfnOutput, Duration, Fn, RemovalPolicy, Stack, Token, Validations
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import aws_route53 as route53
from aws_cdk import aws_route53_targets as targets
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_deployment as s3deploy
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from constructs import Construct

# Written by build_site.py, which cdk.json runs before app.py.
DEFAULT_SITE_DIR = Path(__file__).resolve().parent.parent / "site-dist"


@dataclass(frozen=True)
class SiteDomain:
    """A name in a Route 53 public hosted zone you own, e.g. app.example.com in example.com."""

    domain_name: str
    hosted_zone_id: str
    zone_name: str


# Only files from this origin may run or style the page; nothing may frame it.
# 'unsafe-eval' is the price of JIT: Angular's compiler turns templates into functions with new Function()
# in the browser. An AOT build from the Angular CLI compiles them ahead of time and can drop it.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self' 'unsafe-eval'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    )
)

ASSET_KEY_REASON = "The asset object key is a content hash chosen at synth time; the grant stays inside the bootstrap asset bucket."


class S3AngularWebsiteStack(Stack):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        site_dir: Path | str | None = None,
        domain: SiteDomain | None = None,
        certificate: acm.ICertificate | None = None,
        **kwargs: Any,
    ) -> None:
        """site_dir: the built site (index.html + assets/), site-dist/ unless given.
        domain: an optional custom domain; without it the site answers on its *.cloudfront.net name.
        certificate: a us-east-1 certificate for `domain`, required when this stack lives in any other region."""
        super().__init__(scope, construct_id, **kwargs)
        site_dir = str(site_dir or DEFAULT_SITE_DIR)

        # CloudFront standard logs still arrive through bucket ACLs, hence OBJECT_WRITER on this bucket only.
        logs_bucket = s3.Bucket(
            self,
            "LogsBucket",
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            enforce_ssl=True,
            encryption=s3.BucketEncryption.S3_MANAGED,
            object_ownership=s3.ObjectOwnership.OBJECT_WRITER,
            lifecycle_rules=[s3.LifecycleRule(expiration=Duration.days(90))],
            removal_policy=RemovalPolicy.DESTROY,
            auto_delete_objects=True,
        )

        site = s3.Bucket(
            self,
            "SiteBucket",
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            enforce_ssl=True,
            encryption=s3.BucketEncryption.S3_MANAGED,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            server_access_logs_bucket=logs_bucket,
            server_access_logs_prefix="s3-access/",
            removal_policy=RemovalPolicy.DESTROY,
            auto_delete_objects=True,
        )

        security_headers = cloudfront.ResponseHeadersPolicy(
            self,
            "SecurityHeaders",
            comment="CSP, HSTS and friends for the Angular site",
            security_headers_behavior=cloudfront.ResponseSecurityHeadersBehavior(
                content_security_policy=cloudfront.ResponseHeadersContentSecurityPolicy(
                    content_security_policy=CONTENT_SECURITY_POLICY, override=True
                ),
                strict_transport_security=cloudfront.ResponseHeadersStrictTransportSecurity(
                    access_control_max_age=Duration.days(365), include_subdomains=True, override=True
                ),
                content_type_options=cloudfront.ResponseHeadersContentTypeOptions(override=True),
                frame_options=cloudfront.ResponseHeadersFrameOptions(frame_option=cloudfront.HeadersFrameOption.DENY, override=True),
                referrer_policy=cloudfront.ResponseHeadersReferrerPolicy(
                    referrer_policy=cloudfront.HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN, override=True
                ),
                # The legacy XSS auditor causes more harm than good; current advice is to switch it off explicitly.
                xss_protection=cloudfront.ResponseHeadersXSSProtection(protection=False, override=True),
            ),
            custom_headers_behavior=cloudfront.ResponseCustomHeadersBehavior(
                custom_headers=[
                    cloudfront.ResponseCustomHeader(
                        header="Permissions-Policy", value="camera=(), microphone=(), geolocation=()", override=True
                    )
                ]
            ),
        )

        site_certificate = self._certificate_for(domain, certificate) if domain else None
        custom_domain: dict[str, Any] = {}
        if domain and site_certificate:
            custom_domain = {
                "domain_names": [domain.domain_name],
                "certificate": site_certificate,
                "minimum_protocol_version": cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
            }

        distribution = cloudfront.Distribution(
            self,
            "Distribution",
            comment="Angular single-page app from a private S3 bucket",
            default_behavior=cloudfront.BehaviorOptions(
                # Origin Access Control: CloudFront signs its requests and the bucket policy trusts only this distribution.
                origin=origins.S3BucketOrigin.with_origin_access_control(site),
                viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                cache_policy=cloudfront.CachePolicy.CACHING_OPTIMIZED,
                response_headers_policy=security_headers,
                compress=True,
            ),
            default_root_object="index.html",
            # Deep links such as /about are not objects. Without s3:ListBucket S3 says 403 rather than 404,
            # so both become the app shell and the app's Navigation service decides what to show.
            error_responses=[
                cloudfront.ErrorResponse(
                    http_status=status, response_http_status=200, response_page_path="/index.html", ttl=Duration.seconds(10)
                )
                for status in (403, 404)
            ],
            http_version=cloudfront.HttpVersion.HTTP2_AND_3,
            price_class=cloudfront.PriceClass.PRICE_CLASS_100,
            enable_logging=True,
            log_bucket=logs_bucket,
            log_file_prefix="cloudfront/",
            **custom_domain,
        )

        # The deployment's function gets a role and log group we can see and scope, not the managed basic-execution policy.
        deploy_logs = logs.LogGroup(self, "DeployLogs", retention=logs.RetentionDays.ONE_MONTH, removal_policy=RemovalPolicy.DESTROY)
        deploy_role = iam.Role(
            self,
            "DeployRole",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description="Copies the built Angular site from the CDK asset bucket into the site bucket.",
        )
        deploy_logs.grant_write(deploy_role)

        built = s3deploy.Source.asset(site_dir)
        # Hashed bundles never change under the same name, so browsers and edges may keep them for a year.
        # prune=False keeps the previous bundles for tabs still running the previous index.html.
        deploy_assets = s3deploy.BucketDeployment(
            self,
            "DeployAssets",
            sources=[built],
            destination_bucket=site,
            exclude=["index.html"],
            prune=False,
            cache_control=[s3deploy.CacheControl.from_string("public, max-age=31536000, immutable")],
            role=deploy_role,
            log_group=deploy_logs,
        )
        # index.html names the current bundles, so it must be revalidated on every visit.
        deploy_index = s3deploy.BucketDeployment(
            self,
            "DeployIndex",
            sources=[built],
            destination_bucket=site,
            exclude=["*"],
            include=["index.html"],
            prune=False,
            cache_control=[s3deploy.CacheControl.no_cache()],
            role=deploy_role,
            log_group=deploy_logs,
        )
        # Publish the new index.html only after the files it points to exist.
        deploy_index.node.add_dependency(deploy_assets)

        if domain:
            zone = route53.HostedZone.from_hosted_zone_attributes(
                self, "Zone", hosted_zone_id=domain.hosted_zone_id, zone_name=domain.zone_name
            )
            target = route53.RecordTarget.from_alias(targets.CloudFrontTarget(distribution))
            route53.ARecord(self, "AliasRecord", zone=zone, record_name=domain.domain_name, target=target)
            route53.AaaaRecord(self, "AliasRecordIpv6", zone=zone, record_name=domain.domain_name, target=target)

        # Operations plumbing: one topic that every alarm of the stack notifies.
        alarm_topic = sns.Topic(self, "AlarmTopic", enforce_ssl=True, display_name="Angular website alarms")
        alarm_email = self.node.try_get_context("alarmEmail")
        if isinstance(alarm_email, str) and alarm_email:
            Validations.of(alarm_topic.add_subscription(subscriptions.EmailSubscription(alarm_email))).acknowledge(
                Acknowledgment(
                    id="Serverless-SNSRedrivePolicy",
                    reason="An e-mail copy of an alarm notification; a lost e-mail still leaves the alarm in ALARM state in the CloudWatch console.",
                )
            )
        # CloudFront publishes its metrics in us-east-1 only; elsewhere the alarm could never see a data point, so
        # it is created only when the stack is deployed there.
        in_us_east_1 = CfnCondition(self, "DeployedInUsEast1", expression=Fn.condition_equals(Aws.REGION, "us-east-1"))
        server_errors = cloudwatch.Alarm(
            self,
            "DistributionServerErrorsAlarm",
            # CloudFront's metrics carry Region=Global; without it the alarm would watch a metric that never exists.
            metric=distribution.metric5xx_error_rate(
                statistic="Average",
                period=Duration.minutes(5),
                dimensions_map={"DistributionId": distribution.distribution_id, "Region": "Global"},
            ),
            threshold=5,
            evaluation_periods=3,
            datapoints_to_alarm=2,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            alarm_description=(
                "Over 5% of viewer requests got a 5XX in two of the last three 5-minute periods. The origin is S3: "
                "check the S3 service health, the bucket policy and that DeployIndex finished; CloudFront access logs "
                "are in LogsBucket under cloudfront/."
            ),
        )
        server_errors.add_alarm_action(cw_actions.SnsAction(alarm_topic))
        cfn_alarm: cloudwatch.CfnAlarm = server_errors.node.default_child  # type: ignore[assignment]
        cfn_alarm.cfn_options.condition = in_us_east_1

        CfnOutput(
            self,
            "SiteUrl",
            value=f"https://{domain.domain_name if domain else distribution.distribution_domain_name}",
            description="Open this in a browser.",
        )
        CfnOutput(self, "DistributionId", value=distribution.distribution_id)
        CfnOutput(self, "BucketName", value=site.bucket_name)

        self._acknowledge_findings(logs_bucket, site, distribution, deploy_role, default_domain=domain is None)
        Validations.of(alarm_topic).acknowledge(
            Acknowledgment(
                id="AwsSolutions-SNS2",
                reason=(
                    "CloudWatch alarms cannot publish to a topic encrypted with the AWS managed key alias/aws/sns, "
                    "a customer managed key costs $1 a month, and alarm notifications carry only alarm names and states."
                ),
            )
        )

    def _certificate_for(self, domain: SiteDomain, given: acm.ICertificate | None) -> acm.ICertificate:
        """CloudFront only accepts certificates from us-east-1; create one here only if that is where we are."""
        if given is not None:
            return given
        if Token.is_unresolved(self.region) or self.region != "us-east-1":
            raise ValueError(
                "A custom domain needs a us-east-1 certificate: deploy this stack to us-east-1, or pass `certificate` "
                "from a us-east-1 stack (app.py does this for you)."
            )
        return acm.Certificate(
            self,
            "SiteCertificate",
            domain_name=domain.domain_name,
            validation=acm.CertificateValidation.from_dns(
                route53.HostedZone.from_hosted_zone_attributes(
                    self, "CertificateZone", hosted_zone_id=domain.hosted_zone_id, zone_name=domain.zone_name
                )
            ),
        )

    def _acknowledge_findings(
        self,
        logs_bucket: s3.Bucket,
        site: s3.Bucket,
        distribution: cloudfront.Distribution,
        deploy_role: iam.Role,
        *,
        default_domain: bool,
    ) -> None:
        def acknowledge(scope: Construct, rule: str, reason: str) -> None:
            Validations.of(scope).acknowledge(Acknowledgment(id=rule, reason=reason))

        acknowledge(
            logs_bucket,
            "AwsSolutions-S1",
            "This is the access-log bucket itself; logging it into itself would loop, and a second log bucket would have the same finding.",
        )
        acknowledge(
            distribution,
            "AwsSolutions-CFR1",
            "A public static site for any country; add a geo restriction only if the content has legal limits.",
        )
        acknowledge(
            distribution,
            "AwsSolutions-CFR2",
            "Only static GET requests reach a private bucket with no compute behind it; attach a WAF web ACL when an API "
            "or login sits behind the distribution.",
        )
        if default_domain:
            acknowledge(
                distribution,
                "AwsSolutions-CFR4",
                "Without a custom domain CloudFront serves its default *.cloudfront.net certificate, whose TLS policy "
                "cannot be chosen; pass a domain to get TLSv1.2_2021.",
            )

        # BucketDeployment writes these grants itself; the keys it copies are only known at deploy time.
        site_arn = f"<{self.get_logical_id(site.node.default_child)}.Arn>"  # type: ignore[arg-type]
        env_agnostic = Token.is_unresolved(self.account) or Token.is_unresolved(self.region)
        asset_bucket = "cdk-hnb659fds-assets-" + ("<AWS::AccountId>-<AWS::Region>" if env_agnostic else f"{self.account}-{self.region}")
        wildcards = {
            "Action::s3:GetObject*": "Reads the zipped site from the CDK asset bucket and, during sync, the objects already in the site bucket.",
            "Action::s3:GetBucket*": "The AWS CLI sync inside the deployment function reads bucket location and settings of source and destination.",
            "Action::s3:List*": "aws s3 sync lists the site bucket to decide which files changed; list actions cannot name single keys.",
            "Action::s3:DeleteObject*": "BucketDeployment always grants it for pruning; both deployments here set prune: false, so it stays unused.",
            "Action::s3:Abort*": "Lets the CLI abort its own multipart uploads of large bundles instead of leaving orphaned parts.",
            f"Resource::arn:<AWS::Partition>:s3:::{asset_bucket}/*": ASSET_KEY_REASON,
            # With a concrete region the partition is written out.
            f"Resource::arn:aws:s3:::{asset_bucket}/*": ASSET_KEY_REASON,
            f"Resource::{site_arn}/*": "The function must write any file of the built site, so it needs every key in this one bucket and no other.",
        }
        for finding, reason in wildcards.items():
            acknowledge(deploy_role, f"AwsSolutions-IAM5[{finding}]", reason)

        # The function itself is a singleton that aws-cdk-lib defines and versions; we only choose its role and log group.
        deploy_function = next((c for c in self.node.children if c.node.id.startswith("Custom::CDKBucketDeployment")), None)
        if deploy_function is not None:
            cdk_owned = "aws-cdk-lib picks and upgrades this Python runtime with the library, not in this stack."
            acknowledge(deploy_function, "AwsSolutions-L1", cdk_owned)
            acknowledge(deploy_function, "Serverless-LambdaLatestVersion", cdk_owned)
            acknowledge(
                deploy_function,
                "Serverless-LambdaDLQ",
                "CloudFormation calls it once per deploy and waits for its answer; a failure fails the deploy, so a "
                "dead-letter queue would hold nothing anyone reads.",
            )
            acknowledge(
                deploy_function,
                "Serverless-LambdaTracing",
                "Runs only during cdk deploy; the AWS CLI output it writes to DeployLogs is enough to debug a failed copy.",
            )
