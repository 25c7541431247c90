from __future__ import annotations

import json
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk.assertions import Match, Template
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from build_site import build_site
from s3_angular_website.certificate_stack import SiteCertificateStack
from s3_angular_website.s3_angular_website_stack import CONTENT_SECURITY_POLICY, S3AngularWebsiteStack, SiteDomain
from tests.cdk_app import app_from_cdk_json

DOMAIN = SiteDomain(domain_name="app.example.com", hosted_zone_id="Z0123456789ABCDEFGHIJ", zone_name="example.com")
ACCOUNT = "111111111111"


def statements(template: Template, type_: str) -> list[dict[str, Any]]:
    return [s for r in template.find_resources(type_).values() for s in r["Properties"]["PolicyDocument"]["Statement"]]


def ref(template: Template, type_: str, id_prefix: str) -> str:
    ids = [logical_id for logical_id in template.find_resources(type_) if logical_id.startswith(id_prefix)]
    assert len(ids) == 1, f"expected one {type_} named {id_prefix}*"
    return ids[0]


def compact(value: Any) -> str:
    """The JSON text of a template fragment, without spaces, as JSON.stringify writes it."""
    return json.dumps(value, separators=(",", ":"))


def service(statement: dict[str, Any]) -> Any:
    principal = statement.get("Principal")
    return principal.get("Service") if isinstance(principal, dict) else None


@pytest.fixture(scope="module")
def site_dir() -> Iterator[Path]:
    # The stack tests build into their own folder, leaving site-dist/ to cdk.json's build.
    folder = Path(tempfile.mkdtemp(prefix="angular-stack-"))
    build_site(out_dir=folder)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def stack(site_dir: Path) -> S3AngularWebsiteStack:
    return S3AngularWebsiteStack(app_from_cdk_json(), "Under-Test", site_dir=site_dir)


@pytest.fixture(scope="module")
def template(stack: S3AngularWebsiteStack) -> Template:
    return Template.from_stack(stack)


def test_keeps_both_buckets_private_encrypted_and_https_only(template: Template) -> None:
    buckets = template.find_resources("AWS::S3::Bucket")
    assert len(buckets) == 2
    for bucket in buckets.values():
        assert bucket["Properties"]["PublicAccessBlockConfiguration"] == {
            "BlockPublicAcls": True,
            "BlockPublicPolicy": True,
            "IgnorePublicAcls": True,
            "RestrictPublicBuckets": True,
        }
        assert bucket["Properties"]["BucketEncryption"]
    denies = [s for s in statements(template, "AWS::S3::BucketPolicy") if s["Effect"] == "Deny"]
    assert len(denies) == 2
    for deny in denies:
        assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_lets_only_this_distribution_read_the_site_bucket_through_origin_access_control(template: Template) -> None:
    site_bucket = ref(template, "AWS::S3::Bucket", "SiteBucket")
    distribution = ref(template, "AWS::CloudFront::Distribution", "Distribution")
    policy = statements(template, "AWS::S3::BucketPolicy")
    reads = [s for s in policy if service(s) == "cloudfront.amazonaws.com"]
    assert len(reads) == 1
    assert reads[0]["Action"] == "s3:GetObject"
    assert reads[0]["Resource"] == {"Fn::Join": ["", [{"Fn::GetAtt": [site_bucket, "Arn"]}, "/*"]]}
    assert f'"Ref":"{distribution}"' in compact(reads[0]["Condition"]["StringEquals"]["AWS:SourceArn"])
    # Nobody else is allowed in: the only other Allows are CDK's empty-on-delete helper and, on the log
    # bucket alone, S3 server access logging writing the site bucket's logs.
    logs_bucket = ref(template, "AWS::S3::Bucket", "LogsBucket")
    others = [s for s in policy if s["Effect"] == "Allow" and service(s) != "cloudfront.amazonaws.com"]
    for s in others:
        if service(s) == "logging.s3.amazonaws.com":
            assert s["Action"] == "s3:PutObject"
            assert re.search(rf'"{logs_bucket}","Arn".*s3-access/\*', compact(s["Resource"]))
            assert f'"{site_bucket}","Arn"' in compact(s["Condition"])
        else:
            assert "AutoDeleteObjects" in compact(s["Principal"])
    template.has_resource_properties(
        "AWS::CloudFront::OriginAccessControl",
        {"OriginAccessControlConfig": {"OriginAccessControlOriginType": "s3", "SigningBehavior": "always", "SigningProtocol": "sigv4"}},
    )


def test_serves_index_html_at_root_and_for_every_unknown_path_over_https_only(template: Template) -> None:
    template.has_resource_properties(
        "AWS::CloudFront::Distribution",
        {
            "DistributionConfig": Match.object_like(
                {
                    "DefaultRootObject": "index.html",
                    "CustomErrorResponses": [
                        {"ErrorCode": 403, "ResponseCode": 200, "ResponsePagePath": "/index.html", "ErrorCachingMinTTL": 10},
                        {"ErrorCode": 404, "ResponseCode": 200, "ResponsePagePath": "/index.html", "ErrorCachingMinTTL": 10},
                    ],
                    "DefaultCacheBehavior": Match.object_like(
                        {
                            "ViewerProtocolPolicy": "redirect-to-https",
                            "Compress": True,
                            "ResponseHeadersPolicyId": {"Ref": Match.string_like_regexp("^SecurityHeaders")},
                        }
                    ),
                    "Origins": [Match.object_like({"OriginAccessControlId": Match.any_value()})],
                    "Logging": Match.object_like({"Prefix": "cloudfront/"}),
                }
            )
        },
    )


def test_adds_a_content_security_policy_that_allows_only_what_jit_needs_and_the_other_security_headers(template: Template) -> None:
    template.has_resource_properties(
        "AWS::CloudFront::ResponseHeadersPolicy",
        {
            "ResponseHeadersPolicyConfig": Match.object_like(
                {
                    "SecurityHeadersConfig": {
                        "ContentSecurityPolicy": {"ContentSecurityPolicy": CONTENT_SECURITY_POLICY, "Override": True},
                        "StrictTransportSecurity": {"AccessControlMaxAgeSec": 31536000, "IncludeSubdomains": True, "Override": True},
                        "ContentTypeOptions": {"Override": True},
                        "FrameOptions": {"FrameOption": "DENY", "Override": True},
                        "ReferrerPolicy": {"ReferrerPolicy": "strict-origin-when-cross-origin", "Override": True},
                        "XSSProtection": {"Protection": False, "Override": True},
                    }
                }
            )
        },
    )
    # JIT needs eval for scripts and nothing more: no inline scripts or styles, no other origins.
    assert re.search(r"script-src 'self' 'unsafe-eval'(;|$)", CONTENT_SECURITY_POLICY)
    assert not re.search(r"unsafe-inline|https?:|\*", CONTENT_SECURITY_POLICY)


def test_uploads_hashed_assets_as_immutable_and_index_html_as_no_cache_assets_first(template: Template) -> None:
    deployments = template.find_resources("Custom::CDKBucketDeployment")
    assets = ref(template, "Custom::CDKBucketDeployment", "DeployAssets")
    index = ref(template, "Custom::CDKBucketDeployment", "DeployIndex")
    assert deployments[assets]["Properties"]["Exclude"] == ["index.html"]
    assert deployments[assets]["Properties"]["SystemMetadata"]["cache-control"] == "public, max-age=31536000, immutable"
    assert deployments[assets]["Properties"]["Prune"] is False
    assert deployments[index]["Properties"]["Exclude"] == ["*"]
    assert deployments[index]["Properties"]["Include"] == ["index.html"]
    assert deployments[index]["Properties"]["SystemMetadata"]["cache-control"] == "no-cache"
    assert assets in deployments[index]["DependsOn"], "index.html must wait for the files it references"


def test_gives_the_deployment_function_a_scoped_role_its_own_logs_no_managed_policy_writes_only_to_the_site_bucket(
    template: Template,
) -> None:
    site_bucket = ref(template, "AWS::S3::Bucket", "SiteBucket")
    role = ref(template, "AWS::IAM::Role", "DeployRole")
    template.has_resource_properties("AWS::IAM::Role", {"Description": Match.string_like_regexp("Angular site"), "ManagedPolicyArns": Match.absent()})
    template.has_resource_properties(
        "AWS::Lambda::Function",
        {"Role": {"Fn::GetAtt": [role, "Arn"]}, "LoggingConfig": {"LogGroup": {"Ref": Match.string_like_regexp("^DeployLogs")}}},
    )

    def actions(statement: dict[str, Any]) -> list[str]:
        return [statement["Action"]] if isinstance(statement["Action"], str) else statement["Action"]

    writes = [s for s in statements(template, "AWS::IAM::Policy") if any(a.startswith("s3:Put") for a in actions(s))]
    assert len(writes) == 1
    assert re.match(rf'^\[\{{"Fn::GetAtt":\["{site_bucket}","Arn"\]\}}', compact(writes[0]["Resource"]))
    assert "LogsBucket" not in compact(writes[0]["Resource"])


def test_expires_access_logs_after_90_days_and_the_deployment_logs_after_a_month(template: Template) -> None:
    logs_bucket = ref(template, "AWS::S3::Bucket", "LogsBucket")
    assert template.find_resources("AWS::S3::Bucket")[logs_bucket]["Properties"]["LifecycleConfiguration"] == {
        "Rules": [{"ExpirationInDays": 90, "Status": "Enabled"}]
    }
    template.has_resource_properties("AWS::Logs::LogGroup", {"RetentionInDays": 30})


def test_alarms_on_the_one_alarm_topic_when_cloudfront_answers_5xx_only_where_cloudfront_publishes_metrics(template: Template) -> None:
    topic = ref(template, "AWS::SNS::Topic", "AlarmTopic")
    template.resource_count_is("AWS::SNS::Topic", 1)
    template.resource_count_is("AWS::SNS::Subscription", 0)
    alarms = list(template.find_resources("AWS::CloudWatch::Alarm").values())
    assert len(alarms) == 1
    alarm = alarms[0]
    assert alarm["Properties"]["AlarmActions"] == [{"Ref": topic}]
    assert alarm["Properties"]["Namespace"] == "AWS/CloudFront"
    assert alarm["Properties"]["MetricName"] == "5xxErrorRate"
    assert alarm["Properties"]["Dimensions"] == [
        {"Name": "DistributionId", "Value": {"Ref": ref(template, "AWS::CloudFront::Distribution", "Distribution")}},
        {"Name": "Region", "Value": "Global"},
    ]
    assert alarm["Properties"]["Threshold"] == 5
    assert template.to_json()["Conditions"][alarm["Condition"]] == {"Fn::Equals": [{"Ref": "AWS::Region"}, "us-east-1"]}


def test_subscribes_an_e_mail_address_to_the_alarm_topic_only_when_alarm_email_is_given(site_dir: Path) -> None:
    mailed = Template.from_stack(S3AngularWebsiteStack(app_from_cdk_json(alarmEmail="ops@example.com"), "Mailed", site_dir=site_dir))
    mailed.has_resource_properties("AWS::SNS::Subscription", {"Protocol": "email", "Endpoint": "ops@example.com"})
    mailed.has_resource_properties(
        "AWS::SNS::TopicPolicy",
        {
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [Match.object_like({"Effect": "Deny", "Condition": {"Bool": {"aws:SecureTransport": "false"}}})]
                )
            }
        },
    )


def test_creates_no_dns_records_or_certificate_without_a_domain(template: Template) -> None:
    template.resource_count_is("AWS::Route53::RecordSet", 0)
    template.resource_count_is("AWS::CertificateManager::Certificate", 0)


def test_passes_the_aws_solutions_and_serverless_cdk_nag_packs_with_every_exception_acknowledged(
    stack: S3AngularWebsiteStack, site_dir: Path
) -> None:
    with_email = S3AngularWebsiteStack(app_from_cdk_json(alarmEmail="ops@example.com"), "Nag-With-Email", site_dir=site_dir)
    for scope in (stack, with_email):
        for pack in (AwsSolutionsChecks(), ServerlessChecks()):
            report = pack.validate_scope(scope)
            open_findings = [f"{v.rule_name}: {v.description}" for v in report.violations]
            assert open_findings == [], f"{pack.name} has unacknowledged findings"


# with a custom domain


def test_in_us_east_1_issues_a_dns_validated_certificate_tls_1_2_and_alias_records(site_dir: Path) -> None:
    with_domain = S3AngularWebsiteStack(
        app_from_cdk_json(), "Domain", site_dir=site_dir, domain=DOMAIN, env=cdk.Environment(account=ACCOUNT, region="us-east-1")
    )
    t = Template.from_stack(with_domain)
    t.has_resource_properties(
        "AWS::CertificateManager::Certificate",
        {
            "DomainName": "app.example.com",
            "ValidationMethod": "DNS",
            "DomainValidationOptions": [{"DomainName": "app.example.com", "HostedZoneId": DOMAIN.hosted_zone_id}],
        },
    )
    t.has_resource_properties(
        "AWS::CloudFront::Distribution",
        {
            "DistributionConfig": Match.object_like(
                {
                    "Aliases": ["app.example.com"],
                    "ViewerCertificate": Match.object_like({"MinimumProtocolVersion": "TLSv1.2_2021", "SslSupportMethod": "sni-only"}),
                }
            )
        },
    )
    for record_type in ("A", "AAAA"):
        t.has_resource_properties(
            "AWS::Route53::RecordSet",
            {
                "Name": "app.example.com.",
                "Type": record_type,
                "HostedZoneId": DOMAIN.hosted_zone_id,
                "AliasTarget": Match.object_like({"DNSName": {"Fn::GetAtt": [Match.string_like_regexp("^Distribution"), "DomainName"]}}),
            },
        )
    assert [v.rule_name for v in AwsSolutionsChecks().validate_scope(with_domain).violations] == []


def test_elsewhere_refuses_to_build_without_a_us_east_1_certificate(site_dir: Path) -> None:
    with pytest.raises(Exception, match="us-east-1 certificate"):
        S3AngularWebsiteStack(
            app_from_cdk_json(), "Frankfurt", site_dir=site_dir, domain=DOMAIN, env=cdk.Environment(account=ACCOUNT, region="eu-central-1")
        )


def test_elsewhere_takes_the_certificate_from_a_us_east_1_stack(site_dir: Path) -> None:
    app = app_from_cdk_json()
    cert_stack = SiteCertificateStack(
        app, "Cert", domain=DOMAIN, env=cdk.Environment(account=ACCOUNT, region="us-east-1"), cross_region_references=True
    )
    site = S3AngularWebsiteStack(
        app,
        "Frankfurt",
        site_dir=site_dir,
        domain=DOMAIN,
        certificate=cert_stack.certificate,
        env=cdk.Environment(account=ACCOUNT, region="eu-central-1"),
        cross_region_references=True,
    )
    Template.from_stack(cert_stack).resource_count_is("AWS::CertificateManager::Certificate", 1)
    t = Template.from_stack(site)
    t.resource_count_is("AWS::CertificateManager::Certificate", 0)
    t.has_resource_properties(
        "AWS::CloudFront::Distribution",
        {
            "DistributionConfig": Match.object_like(
                {"Aliases": ["app.example.com"], "ViewerCertificate": Match.object_like({"AcmCertificateArn": Match.any_value()})}
            )
        },
    )
