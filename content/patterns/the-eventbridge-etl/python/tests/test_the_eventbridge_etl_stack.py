import re
from typing import Any

import pytest
from aws_cdk.assertions import Match, Template
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from extract_request import CsvObject, ExtractorConfig, run_task_request
from pipeline_events import TASK_STARTED_BY
from tests.cdk_app import app_from_cdk_json
from the_eventbridge_etl.the_eventbridge_etl_stack import THROTTLE, TheEventbridgeEtlStack, reserved_concurrency

OUR_FUNCTIONS = ["Extractor", "Transformer", "Loader", "Observer"]


@pytest.fixture(scope="module")
def stack() -> TheEventbridgeEtlStack:
    return TheEventbridgeEtlStack(app_from_cdk_json(), "Under-Test")


@pytest.fixture(scope="module")
def template(stack: TheEventbridgeEtlStack) -> Template:
    return Template.from_stack(stack)


def actions_of(statement: dict[str, Any]) -> list[str]:
    action = statement["Action"]
    return [action] if isinstance(action, str) else list(action)


def statements_of(template: Template, role_prefix: str) -> list[dict[str, Any]]:
    """The statements of the inline policies attached to the role whose logical id starts with `role_prefix`."""
    return [
        s
        for p in template.find_resources("AWS::IAM::Policy").values()
        if any(r["Ref"].startswith(role_prefix) for r in p["Properties"]["Roles"])
        for s in p["Properties"]["PolicyDocument"]["Statement"]
    ]


def functions_by_prefix(template: Template) -> dict[str, dict[str, Any]]:
    found = template.find_resources("AWS::Lambda::Function")
    result = {}
    for name in OUR_FUNCTIONS:
        ids = [i for i in found if i.startswith(name)]
        assert ids, f"no function {name}"
        result[name] = found[ids[0]]
    return result


def only_id(template: Template, resource_type: str, prefix: str = "") -> str:
    ids = [i for i in template.find_resources(resource_type) if i.startswith(prefix)]
    assert len(ids) == 1, f"expected one {resource_type} named {prefix}*, found {ids}"
    return ids[0]


# --- landing ---


def test_notifies_the_upload_queue_of_new_csv_objects_only(template: Template) -> None:
    template.has_resource_properties(
        "Custom::S3BucketNotifications",
        {
            "NotificationConfiguration": {
                "QueueConfigurations": [
                    {
                        "Events": ["s3:ObjectCreated:*"],
                        "Filter": {"Key": {"FilterRules": [{"Name": "suffix", "Value": ".csv"}]}},
                        "QueueArn": {"Fn::GetAtt": [Match.string_like_regexp("^UploadQueue"), "Arn"]},
                    }
                ]
            }
        },
    )


def test_lets_a_waiting_file_retry_for_about_half_an_hour_before_it_is_parked_in_upload_dlq(template: Template) -> None:
    template.has_resource_properties(
        "AWS::SQS::Queue",
        {
            "VisibilityTimeout": 180,
            "RedrivePolicy": {"deadLetterTargetArn": {"Fn::GetAtt": [Match.string_like_regexp("^UploadDlq"), "Arn"]}, "maxReceiveCount": 10},
            "SqsManagedSseEnabled": True,
        },
    )


def test_blocks_public_access_to_the_landing_bucket_and_encrypts_it(template: Template) -> None:
    template.has_resource_properties(
        "AWS::S3::Bucket",
        {
            "PublicAccessBlockConfiguration": {
                "BlockPublicAcls": True,
                "BlockPublicPolicy": True,
                "IgnorePublicAcls": True,
                "RestrictPublicBuckets": True,
            },
            "BucketEncryption": Match.object_like({"ServerSideEncryptionConfiguration": Match.any_value()}),
        },
    )


# --- throttles ---


def test_reserves_no_concurrency_by_default_so_a_new_account_with_a_small_quota_can_deploy(template: Template) -> None:
    for name, fn in functions_by_prefix(template).items():
        assert "ReservedConcurrentExecutions" not in fn["Properties"], name


def test_reserves_the_given_concurrency_on_every_function_when_deployed_with_reserved_concurrency() -> None:
    with_reservation = Template.from_stack(TheEventbridgeEtlStack(app_from_cdk_json(reservedConcurrency="3"), "Reserved"))
    fns = {i: f for i, f in with_reservation.find_resources("AWS::Lambda::Function").items() if any(i.startswith(n) for n in OUR_FUNCTIONS)}
    assert len(fns) == len(OUR_FUNCTIONS)
    for logical_id, fn in fns.items():
        assert fn["Properties"]["ReservedConcurrentExecutions"] == 3, logical_id
    assert reserved_concurrency(None) is None
    assert reserved_concurrency(4) == 4
    with pytest.raises(ValueError, match="at least 1"):
        reserved_concurrency("0")
    with pytest.raises(ValueError, match="whole number"):
        reserved_concurrency("two")
    with pytest.raises(ValueError, match="whole number"):
        reserved_concurrency("2.5")


def test_feeds_the_extractor_one_file_at_a_time_with_at_most_two_pollers(template: Template) -> None:
    assert THROTTLE.extractor_pollers == 2
    template.has_resource_properties(
        "AWS::Lambda::EventSourceMapping",
        {
            "EventSourceArn": {"Fn::GetAtt": [Match.string_like_regexp("^UploadQueue"), "Arn"]},
            "BatchSize": 1,
            "ScalingConfig": {"MaximumConcurrency": 2},
            "FunctionResponseTypes": ["ReportBatchItemFailures"],
        },
    )


def test_tells_the_extractor_to_run_at_most_two_tasks_each_publishing_at_most_20_events_a_second(template: Template) -> None:
    env = functions_by_prefix(template)["Extractor"]["Properties"]["Environment"]["Variables"]
    assert env["MAX_RUNNING_TASKS"] == "2"
    assert env["MAX_EVENTS_PER_SECOND"] == "20"


def test_lets_throttled_rows_wait_six_hours_in_the_lambda_async_queue_before_they_count_as_failed(template: Template) -> None:
    for name in ["Transformer", "Loader", "Observer"]:
        template.has_resource_properties(
            "AWS::Lambda::EventInvokeConfig",
            {
                "FunctionName": {"Ref": Match.string_like_regexp(f"^{name}")},
                "MaximumEventAgeInSeconds": 21600,
                "MaximumRetryAttempts": 2,
                "DestinationConfig": {"OnFailure": {"Destination": {"Fn::GetAtt": [Match.string_like_regexp("^FailedEvents"), "Arn"]}}},
            },
        )


# --- routing ---


def rule_targeting(template: Template, fn: str) -> dict[str, Any]:
    for rule in template.find_resources("AWS::Events::Rule").values():
        arn = rule["Properties"]["Targets"][0]["Arn"]
        if "Fn::GetAtt" in arn and arn["Fn::GetAtt"][0].startswith(fn):
            return rule["Properties"]
    raise AssertionError(f"no rule targets {fn}")


def test_sends_extracted_rows_to_the_transformer(template: Template) -> None:
    assert rule_targeting(template, "Transformer")["EventPattern"] == {"source": ["etl.extract"], "detail-type": ["RowExtracted"]}


def test_sends_only_transformed_rows_never_rejected_ones_to_the_loader(template: Template) -> None:
    assert rule_targeting(template, "Loader")["EventPattern"] == {"source": ["etl.transform"], "detail-type": ["RowTransformed"]}


def test_sends_every_event_of_the_pipeline_to_the_observer(template: Template) -> None:
    assert rule_targeting(template, "Observer")["EventPattern"] == {"source": [{"prefix": "etl."}]}


def test_puts_every_rule_on_the_etl_bus_with_retries_and_a_dead_letter_queue(template: Template) -> None:
    rules = [r for r in template.find_resources("AWS::Events::Rule").values() if "EventBusName" in r["Properties"]]
    assert len(rules) == 3
    for rule in rules:
        assert rule["Properties"]["EventBusName"]["Ref"].startswith("EtlBus")
        [target] = rule["Properties"]["Targets"]
        assert target["DeadLetterConfig"]["Arn"]["Fn::GetAtt"][0].startswith("FailedEvents")
        assert target["RetryPolicy"] == {"MaximumEventAgeInSeconds": 7200, "MaximumRetryAttempts": 8}


# --- extract task ---


def test_runs_on_fargate_arm64_with_a_read_only_file_system_cloudwatch_logging_and_no_baked_in_environment(template: Template) -> None:
    template.has_resource_properties(
        "AWS::ECS::TaskDefinition",
        {
            "RequiresCompatibilities": ["FARGATE"],
            "RuntimePlatform": {"CpuArchitecture": "ARM64", "OperatingSystemFamily": "LINUX"},
            "ContainerDefinitions": [
                Match.object_like(
                    {
                        "Name": "Extract",
                        "ReadonlyRootFilesystem": True,
                        "LogConfiguration": Match.object_like({"LogDriver": "awslogs"}),
                        "Environment": Match.absent(),
                    }
                )
            ],
        },
    )


def test_lives_in_a_vpc_without_nat_gateways_reachable_by_nothing_and_reaching_out_only_over_https(template: Template) -> None:
    template.resource_count_is("AWS::EC2::NatGateway", 0)
    template.has_resource_properties("AWS::EC2::VPCEndpoint", {"VpcEndpointType": "Gateway"})
    template.has_resource_properties(
        "AWS::EC2::SecurityGroup",
        {
            "SecurityGroupIngress": Match.absent(),
            "SecurityGroupEgress": [Match.object_like({"CidrIp": "0.0.0.0/0", "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443})],
        },
    )
    template.has_resource_properties("AWS::EC2::FlowLog", {"TrafficType": "REJECT"})


def test_may_read_csv_objects_from_the_landing_bucket_and_publish_to_the_bus_nothing_else(template: Template) -> None:
    statements = statements_of(template, "ExtractTaskTaskRole")
    assert [s["Action"] for s in statements] == ["s3:GetObject", "events:PutEvents"]
    bucket_arn, suffix = statements[0]["Resource"]["Fn::Join"][1]
    assert bucket_arn["Fn::GetAtt"][0].startswith("LandingBucket")
    assert suffix == "/*.csv"


# --- failures and alarms ---


def test_reports_an_extract_task_that_stops_with_a_non_zero_exit_or_fails_to_start_to_failed_extracts(template: Template) -> None:
    rules = [r for r in template.find_resources("AWS::Events::Rule").values() if "EventBusName" not in r["Properties"]]
    assert len(rules) == 1, "one rule on the default bus, where ECS publishes task state changes"
    [rule] = rules
    cluster_id = only_id(template, "AWS::ECS::Cluster")
    assert rule["Properties"]["EventPattern"] == {
        "source": ["aws.ecs"],
        "detail-type": ["ECS Task State Change"],
        "detail": {
            "clusterArn": [{"Fn::GetAtt": [cluster_id, "Arn"]}],
            "startedBy": ["etl-extractor"],
            "lastStatus": ["STOPPED"],
            "$or": [{"stopCode": ["TaskFailedToStart"]}, {"containers": {"exitCode": [{"anything-but": 0}]}}],
        },
    }
    [target] = rule["Properties"]["Targets"]
    assert target["Arn"]["Fn::GetAtt"][0].startswith("FailedExtracts")
    assert target["DeadLetterConfig"]["Arn"]["Fn::GetAtt"][0].startswith("FailedEvents")
    # The rule only sees tasks the Extractor started, because RunTask tags them the same way.
    request = run_task_request(
        CsvObject(bucket="b", key="k.csv", sequencer="01"),
        ExtractorConfig(
            cluster_arn="c",
            task_definition_arn="t",
            task_family="f",
            container_name="Extract",
            subnet_ids=["s"],
            security_group_id="sg",
            event_bus_name="bus",
            max_running_tasks=2,
            max_events_per_second=20,
        ),
    )
    assert request["startedBy"] == TASK_STARTED_BY
    assert TASK_STARTED_BY == "etl-extractor"


def test_alarms_on_every_queue_where_a_file_or_a_row_can_end_up_instead_of_the_table(template: Template) -> None:
    for queue in ["UploadDlq", "FailedEvents", "FailedExtracts"]:
        queue_id = only_id(template, "AWS::SQS::Queue", queue)
        template.has_resource_properties(
            "AWS::CloudWatch::Alarm",
            {
                "MetricName": "ApproximateNumberOfMessagesVisible",
                "Dimensions": [{"Name": "QueueName", "Value": {"Fn::GetAtt": [queue_id, "QueueName"]}}],
                "Statistic": "Maximum",
                "Period": 60,
                "Threshold": 1,
                "ComparisonOperator": "GreaterThanOrEqualToThreshold",
                "TreatMissingData": "notBreaching",
            },
        )


def test_alarms_on_errors_of_every_pipeline_function(template: Template) -> None:
    for name in OUR_FUNCTIONS:
        template.has_resource_properties(
            "AWS::CloudWatch::Alarm",
            {
                "MetricName": "Errors",
                "Dimensions": [{"Name": "FunctionName", "Value": {"Ref": Match.string_like_regexp(f"^{name}[0-9A-F]{{8}}$")}}],
                "Statistic": "Sum",
                "Period": 300,
                "Threshold": 1,
            },
        )


def test_sends_every_alarm_to_the_one_alarm_topic_which_refuses_plain_http(template: Template) -> None:
    topics = template.find_resources("AWS::SNS::Topic")
    assert [re.sub(r"[0-9A-F]{8}$", "", i) for i in topics] == ["AlarmTopic"]
    [topic_id] = topics
    alarms = template.find_resources("AWS::CloudWatch::Alarm").values()
    assert len(alarms) == 7
    for alarm in alarms:
        assert alarm["Properties"]["AlarmActions"] == [{"Ref": topic_id}]
    template.has_resource_properties(
        "AWS::SNS::TopicPolicy",
        {"PolicyDocument": {"Statement": [Match.object_like({"Effect": "Deny", "Condition": {"Bool": {"aws:SecureTransport": "false"}}})]}},
    )


def test_subscribes_an_e_mail_address_to_the_alarm_topic_only_when_alarm_email_is_set(template: Template) -> None:
    template.resource_count_is("AWS::SNS::Subscription", 0)
    with_email = Template.from_stack(TheEventbridgeEtlStack(app_from_cdk_json(alarmEmail="ops@example.com"), "WithEmail"))
    with_email.has_resource_properties("AWS::SNS::Subscription", {"Protocol": "email", "Endpoint": "ops@example.com"})


# --- permissions ---


def test_gives_every_function_a_role_of_its_own(template: Template) -> None:
    roles = [fn["Properties"]["Role"]["Fn::GetAtt"][0] for fn in functions_by_prefix(template).values()]
    assert len(set(roles)) == len(OUR_FUNCTIONS)


def test_lets_the_extractor_run_only_this_task_definition_on_this_cluster_and_pass_only_its_two_roles(template: Template) -> None:
    statements = statements_of(template, "ExtractorRole")
    ecs = [s for s in statements if any(a.startswith("ecs:") for a in actions_of(s))]
    assert sorted(s["Action"] for s in ecs) == ["ecs:ListTasks", "ecs:RunTask"]
    cluster_id = only_id(template, "AWS::ECS::Cluster")
    for s in ecs:
        assert s["Condition"] == {"ArnEquals": {"ecs:cluster": {"Fn::GetAtt": [cluster_id, "Arn"]}}}
    [pass_role] = [s for s in statements if s["Action"] == "iam:PassRole"]
    assert pass_role["Condition"] == {"StringEquals": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}}
    assert len(pass_role["Resource"]) == 2


def test_keeps_each_step_to_the_one_data_action_it_needs(template: Template) -> None:
    def data(role: str) -> list[str]:
        return sorted(a for s in statements_of(template, role) for a in actions_of(s) if re.match(r"^(dynamodb|events|s3):", a))

    assert data("TransformerRole") == ["events:PutEvents"]
    assert data("LoaderRole") == ["dynamodb:PutItem"]
    assert data("ObserverRole") == []
    assert data("ExtractorRole") == []


def test_uses_no_aws_managed_policy_on_the_pipeline_roles(template: Template) -> None:
    for logical_id, role in template.find_resources("AWS::IAM::Role").items():
        # CDK's own deployment helpers: the bucket notification handler, and the provider that strips the
        # VPC's default security group of its rules (feature flag @aws-cdk/aws-ec2:restrictDefaultSecurityGroup).
        if logical_id.startswith(("BucketNotificationsHandler", "CustomVpcRestrictDefaultSGCustomResourceProvider")):
            continue
        assert "ManagedPolicyArns" not in role["Properties"], logical_id


def test_keys_the_orders_table_by_order_id_so_reloading_a_row_overwrites_it(template: Template) -> None:
    template.has_resource_properties(
        "AWS::DynamoDB::GlobalTable",
        {"KeySchema": [{"AttributeName": "orderId", "KeyType": "HASH"}], "BillingMode": "PAY_PER_REQUEST"},
    )


def test_runs_every_pipeline_function_on_python_3_13_arm64_with_tracing(template: Template) -> None:
    for name, fn in functions_by_prefix(template).items():
        assert fn["Properties"]["Runtime"] == "python3.13", name
        assert fn["Properties"]["Architectures"] == ["arm64"], name
        assert fn["Properties"]["TracingConfig"] == {"Mode": "Active"}, name
        assert fn["Properties"]["Handler"] == f"{name.lower()}.handler", name


def test_passes_the_aws_solutions_and_serverless_cdk_nag_packs_with_every_exception_acknowledged(stack: TheEventbridgeEtlStack) -> None:
    # Also with -c alarmEmail: the e-mail subscription is a resource of its own that the packs check.
    with_email = TheEventbridgeEtlStack(app_from_cdk_json(alarmEmail="ops@example.com"), "Nag-With-Email")
    for scope in (stack, with_email):
        for pack in (AwsSolutionsChecks(), ServerlessChecks()):
            report = pack.validate_scope(scope)
            assert [f"{v.rule_name}: {v.description}" for v in report.violations] == [], scope.node.id
