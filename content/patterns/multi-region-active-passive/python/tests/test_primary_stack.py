import pytest
from aws_cdk.assertions import Match, Template
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from tests.stacks import build_stacks, one


@pytest.fixture(scope="module")
def template() -> Template:
    return Template.from_stack(build_stacks().data)


def test_creates_one_global_table_in_the_primary_region_with_a_replica_in_the_secondary() -> None:
    stacks = build_stacks(secondaryRegion="us-east-2")
    assert stacks.data.region == "us-east-1"
    _, table = one(Template.from_stack(stacks.data), "AWS::DynamoDB::GlobalTable")
    assert sorted(r["Region"] for r in table["Replicas"]) == ["us-east-1", "us-east-2"]
    assert table["KeySchema"] == [{"AttributeName": "pk", "KeyType": "HASH"}]
    assert table["BillingMode"] == "PAY_PER_REQUEST"
    # Global tables replicate through the table's stream; the new and old images are required.
    assert table["StreamSpecification"] == {"StreamViewType": "NEW_AND_OLD_IMAGES"}


def test_names_the_table_from_context_so_each_region_can_find_its_replica(template: Template) -> None:
    template.has_resource_properties("AWS::DynamoDB::GlobalTable", {"TableName": "multi-region-active-passive-items"})
    renamed = Template.from_stack(build_stacks(tableName="orders-items").data)
    renamed.has_resource_properties("AWS::DynamoDB::GlobalTable", {"TableName": "orders-items"})


def test_keeps_point_in_time_recovery_on_in_both_replicas_and_expires_items_through_ttl(template: Template) -> None:
    _, table = one(template, "AWS::DynamoDB::GlobalTable")
    assert len(table["Replicas"]) == 2
    for replica in table["Replicas"]:
        assert replica["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert table["TimeToLiveSpecification"] == {"AttributeName": "expiresAt", "Enabled": True}
    template.has_resource("AWS::DynamoDB::GlobalTable", {"DeletionPolicy": "Delete"})


def test_alarms_when_replication_to_the_secondary_lags_30_seconds_notifying_the_alarm_topic(template: Template) -> None:
    topic, _ = one(template, "AWS::SNS::Topic", "AlarmTopic")
    table, _ = one(template, "AWS::DynamoDB::GlobalTable")
    template.resource_count_is("AWS::CloudWatch::Alarm", 1)
    template.has_resource_properties(
        "AWS::CloudWatch::Alarm",
        {
            "Namespace": "AWS/DynamoDB",
            "MetricName": "ReplicationLatency",
            "Dimensions": Match.array_with(
                [{"Name": "ReceivingRegion", "Value": "us-west-2"}, {"Name": "TableName", "Value": {"Ref": table}}]
            ),
            "Statistic": "Average",
            "Period": 300,
            "Threshold": 30000,
            "ComparisonOperator": "GreaterThanOrEqualToThreshold",
            "TreatMissingData": "notBreaching",
            "AlarmActions": [{"Ref": topic}],
        },
    )
    template.resource_count_is("AWS::SNS::Subscription", 0)
    with_email = Template.from_stack(build_stacks(alarmEmail="ops@example.com").data)
    with_email.has_resource_properties("AWS::SNS::Subscription", {"Protocol": "email", "Endpoint": "ops@example.com"})


def test_passes_both_cdk_nag_packs_with_every_exception_acknowledged() -> None:
    for stack in (build_stacks().data, build_stacks(alarmEmail="ops@example.com").data):
        for pack in (AwsSolutionsChecks(), ServerlessChecks()):
            report = pack.validate_scope(stack)
            assert [f"{v.rule_name}: {v.description}" for v in report.violations] == []
