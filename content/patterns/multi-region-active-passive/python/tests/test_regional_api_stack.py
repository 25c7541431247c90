from typing import Any

import pytest
from aws_cdk.assertions import Match, Template
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from multi_region_active_passive.multi_region_active_passive_stack import ActivePassiveStacks
from tests.stacks import OWN_ZONE, build_stacks, one, resources_of


@pytest.fixture(scope="module")
def stacks() -> ActivePassiveStacks:
    return build_stacks(**OWN_ZONE)


@pytest.fixture(scope="module")
def primary(stacks: ActivePassiveStacks) -> Template:
    return Template.from_stack(stacks.primary)


@pytest.fixture(scope="module")
def secondary(stacks: ActivePassiveStacks) -> Template:
    return Template.from_stack(stacks.secondary)


def test_deploys_the_same_api_to_us_east_1_and_us_west_2_after_the_table(stacks: ActivePassiveStacks, primary: Template, secondary: Template) -> None:
    assert stacks.primary.region == "us-east-1"
    assert stacks.secondary.region == "us-west-2"
    assert [s.stack_name for s in stacks.primary.dependencies] == ["PrimaryStack"]
    assert sorted(s.stack_name for s in stacks.secondary.dependencies) == ["ApiPrimaryStack", "PrimaryStack"]
    for template in (primary, secondary):
        routes = sorted(r["Properties"]["RouteKey"] for r in resources_of(template).values() if r["Type"] == "AWS::ApiGatewayV2::Route")
        assert routes == ["GET /health", "GET /items/{id}", "PUT /items/{id}"]


def test_serves_the_shared_name_in_each_region_over_tls_1_2_with_a_certificate_validated_in_the_hosted_zone(
    primary: Template, secondary: Template
) -> None:
    for template in (primary, secondary):
        certificate, cert = one(template, "AWS::CertificateManager::Certificate")
        assert cert["DomainName"] == "orders.shop.example.net"
        assert cert["ValidationMethod"] == "DNS"
        assert cert["DomainValidationOptions"] == [{"DomainName": "orders.shop.example.net", "HostedZoneId": "Z0123456789ABCDEFGHIJ"}]
        domain, props = one(template, "AWS::ApiGatewayV2::DomainName")
        assert props["DomainName"] == "orders.shop.example.net"
        assert props["DomainNameConfigurations"] == [{"CertificateArn": {"Ref": certificate}, "EndpointType": "REGIONAL", "SecurityPolicy": "TLS_1_2"}]
        api, _ = one(template, "AWS::ApiGatewayV2::Api")
        template.has_resource_properties("AWS::ApiGatewayV2::ApiMapping", {"ApiId": {"Ref": api}, "DomainName": {"Ref": domain}, "Stage": "$default"})


def test_points_a_primary_failover_record_with_the_health_check_and_a_secondary_one_without(primary: Template, secondary: Template) -> None:
    for template, failover, set_identifier, checked in (
        (primary, "PRIMARY", "primary-us-east-1", True),
        (secondary, "SECONDARY", "secondary-us-west-2", False),
    ):
        _, record = one(template, "AWS::Route53::RecordSet")
        domain, _ = one(template, "AWS::ApiGatewayV2::DomainName")
        assert record["Type"] == "A"
        assert record["Name"] == "orders.shop.example.net."
        assert record["HostedZoneId"] == "Z0123456789ABCDEFGHIJ"
        assert record["Failover"] == failover
        assert record["SetIdentifier"] == set_identifier
        assert record["AliasTarget"] == {
            "DNSName": {"Fn::GetAtt": [domain, "RegionalDomainName"]},
            "HostedZoneId": {"Fn::GetAtt": [domain, "RegionalHostedZoneId"]},
            "EvaluateTargetHealth": True,
        }
        if checked:
            assert record["HealthCheckId"] == {"Ref": one(template, "AWS::Route53::HealthCheck")[0]}
        else:
            assert "HealthCheckId" not in record
    secondary.resource_count_is("AWS::Route53::HealthCheck", 0)


def test_probes_the_primarys_own_execute_api_health_over_https_every_30_seconds_and_fails_over_after_3_misses(primary: Template) -> None:
    api, _ = one(primary, "AWS::ApiGatewayV2::Api")
    _, check = one(primary, "AWS::Route53::HealthCheck")
    assert check["HealthCheckConfig"] == {
        "Type": "HTTPS",
        "FullyQualifiedDomainName": {"Fn::Join": ["", [{"Ref": api}, ".execute-api.us-east-1.", {"Ref": "AWS::URLSuffix"}]]},
        "Port": 443,
        "ResourcePath": "/health",
        "EnableSNI": True,
        "RequestInterval": 30,
        "FailureThreshold": 3,
        "Inverted": False,
        "MeasureLatency": False,
    }


def _statements(template: Template) -> list[dict[str, Any]]:
    return [s for r in resources_of(template).values() if r["Type"] == "AWS::IAM::Policy" for s in r["Properties"]["PolicyDocument"]["Statement"]]


def test_lets_each_function_only_get_and_put_items_in_its_own_regions_replica(primary: Template, secondary: Template) -> None:
    for template, region in ((primary, "us-east-1"), (secondary, "us-west-2")):
        dynamo = [s for s in _statements(template) if any(a.startswith("dynamodb:") for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"]))]
        assert dynamo == [
            {
                "Action": ["dynamodb:GetItem", "dynamodb:PutItem"],
                "Effect": "Allow",
                "Resource": {"Fn::Join": ["", [f"arn:aws:dynamodb:{region}:", {"Ref": "AWS::AccountId"}, ":table/multi-region-active-passive-items"]]},
            }
        ]
        _, fn = one(template, "AWS::Lambda::Function")
        assert fn["Environment"] == {"Variables": {"TABLE_NAME": "multi-region-active-passive-items"}}
        template.has_resource_properties(
            "AWS::IAM::Role",
            {
                "AssumeRolePolicyDocument": Match.object_like({"Statement": [Match.object_like({"Principal": {"Service": "lambda.amazonaws.com"}})]}),
                "ManagedPolicyArns": Match.absent(),
            },
        )


def test_runs_each_function_on_python_3_13_arm64_with_json_logs_and_without_platform_chatter_per_probe(primary: Template, secondary: Template) -> None:
    for template in (primary, secondary):
        template.has_resource_properties(
            "AWS::Lambda::Function",
            {
                "Runtime": "python3.13",
                "Architectures": ["arm64"],
                "Handler": "service.handler",
                "LoggingConfig": Match.object_like({"LogFormat": "JSON", "ApplicationLogLevel": "INFO", "SystemLogLevel": "WARN"}),
            },
        )


def test_throttles_and_logs_the_default_stage_in_both_regions(primary: Template, secondary: Template) -> None:
    for template in (primary, secondary):
        template.has_resource_properties(
            "AWS::ApiGatewayV2::Stage",
            {
                "StageName": "$default",
                "DefaultRouteSettings": {"ThrottlingBurstLimit": 25, "ThrottlingRateLimit": 50},
                "AccessLogSettings": Match.object_like({"DestinationArn": Match.any_value()}),
            },
        )


def _alarm_summary(template: Template) -> list[tuple[Any, ...]]:
    topic, _ = one(template, "AWS::SNS::Topic", "AlarmTopic")
    alarms = [r["Properties"] for r in resources_of(template).values() if r["Type"] == "AWS::CloudWatch::Alarm"]
    assert all(a["AlarmActions"] == [{"Ref": topic}] for a in alarms)
    return sorted((a["Namespace"], a["MetricName"], a["Statistic"], a["Period"], a["Threshold"], a["ComparisonOperator"]) for a in alarms)


def test_alarms_on_5xx_and_function_errors_in_each_region_and_on_the_failing_health_check_in_us_east_1(
    stacks: ActivePassiveStacks, primary: Template, secondary: Template
) -> None:
    regional = [
        ("AWS/ApiGateway", "5xx", "Sum", 300, 1, "GreaterThanOrEqualToThreshold"),
        ("AWS/Lambda", "Errors", "Sum", 300, 1, "GreaterThanOrEqualToThreshold"),
    ]
    assert _alarm_summary(secondary) == regional
    assert _alarm_summary(primary) == sorted([*regional, ("AWS/Route53", "HealthCheckStatus", "Minimum", 60, 1, "LessThanThreshold")])
    # Route 53 metrics exist only in us-east-1, so that is where the health-check alarm must be.
    assert stacks.primary.region == "us-east-1"
    primary.has_resource_properties(
        "AWS::CloudWatch::Alarm",
        {
            "MetricName": "HealthCheckStatus",
            "Dimensions": [{"Name": "HealthCheckId", "Value": {"Ref": one(primary, "AWS::Route53::HealthCheck")[0]}}],
            "TreatMissingData": "breaching",
        },
    )
    secondary.resource_count_is("AWS::SNS::Subscription", 0)
    with_email = build_stacks(alarmEmail="ops@example.com")
    for stack in (with_email.primary, with_email.secondary):
        Template.from_stack(stack).has_resource_properties("AWS::SNS::Subscription", {"Protocol": "email", "Endpoint": "ops@example.com"})


def test_passes_both_cdk_nag_packs_with_every_exception_acknowledged(stacks: ActivePassiveStacks) -> None:
    with_email = build_stacks(alarmEmail="ops@example.com")
    for stack in (stacks.primary, stacks.secondary, with_email.primary, with_email.secondary):
        for pack in (AwsSolutionsChecks(), ServerlessChecks()):
            report = pack.validate_scope(stack)
            assert [f"{v.rule_name}: {v.description}" for v in report.violations] == [], stack.stack_name
