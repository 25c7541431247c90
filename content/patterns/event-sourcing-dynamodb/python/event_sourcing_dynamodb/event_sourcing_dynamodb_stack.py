"""Bank-account commands appended as versioned events to DynamoDB, with snapshots and an HTTP API."""

import json

from aws_cdk import Acknowledgment, CfnOutput, Duration, RemovalPolicy, Stack, Validations
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_apigatewayv2_integrations as integrations
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_logs as logs
from constructs import Construct

from event_sourcing_dynamodb.account_function import account_function
from event_sourcing_dynamodb.alarm_topic import alarm_topic

# Every this many events the command handler stores a snapshot of the account.
SNAPSHOT_EVERY = 50


class EventSourcingDynamodbStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)

        # The source of truth: one item per event, keyed by account and version. The version is the sort key,
        # so a conditional put on (aggregateId, version) is the concurrency check and a Query replays in order.
        events = dynamodb.TableV2(
            self,
            "Events",
            partition_key=dynamodb.Attribute(name="aggregateId", type=dynamodb.AttributeType.STRING),
            sort_key=dynamodb.Attribute(name="version", type=dynamodb.AttributeType.NUMBER),
            billing=dynamodb.Billing.on_demand(),
            # Events cannot be rebuilt from anything else: keep 35 days of restore points.
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(point_in_time_recovery_enabled=True),
            # A demo stack should leave nothing behind on `cdk destroy`; retain it for real use.
            removal_policy=RemovalPolicy.DESTROY,
        )

        # Derived data: the latest state per account, rebuilt from Events whenever it is missing.
        snapshots = dynamodb.TableV2(
            self,
            "Snapshots",
            partition_key=dynamodb.Attribute(name="aggregateId", type=dynamodb.AttributeType.STRING),
            billing=dynamodb.Billing.on_demand(),
            removal_policy=RemovalPolicy.DESTROY,
        )
        Validations.of(snapshots).acknowledge(
            Acknowledgment(
                id="AwsSolutions-DDB3",
                reason="Snapshots are a cache of state derived from the Events table, which has point-in-time recovery; a lost snapshot is rebuilt by replaying events.",
            )
        )

        tables = {"EVENTS_TABLE_NAME": events.table_name, "SNAPSHOTS_TABLE_NAME": snapshots.table_name}
        commands = account_function(
            self,
            "Commands",
            "commands.handler",
            "Account commands: append events, read events and snapshots, write snapshots.",
            {**tables, "SNAPSHOT_EVERY": str(SNAPSHOT_EVERY)},
        )
        reader = account_function(self, "Reader", "reader.handler", "Account reads: query events and read snapshots, nothing else.", tables)
        # Append-only by permission: PutItem (also what a TransactWriteItems put needs) and Query,
        # never UpdateItem or DeleteItem on the events.
        events.grant(commands, "dynamodb:PutItem", "dynamodb:Query")
        snapshots.grant(commands, "dynamodb:GetItem", "dynamodb:PutItem")
        events.grant(reader, "dynamodb:Query")
        snapshots.grant(reader, "dynamodb:GetItem")

        api = apigwv2.HttpApi(self, "Api", description="Bank-account commands and reads over an event store.")
        api.add_routes(
            path="/accounts/{accountId}/{command}",
            methods=[apigwv2.HttpMethod.POST],
            integration=integrations.HttpLambdaIntegration("CommandsIntegration", commands),
        )
        api.add_routes(
            path="/accounts/{accountId}",
            methods=[apigwv2.HttpMethod.GET],
            integration=integrations.HttpLambdaIntegration("ReaderIntegration", reader),
        )

        access_logs = logs.LogGroup(self, "ApiAccessLogs", retention=logs.RetentionDays.ONE_MONTH, removal_policy=RemovalPolicy.DESTROY)
        stage: apigwv2.CfnStage = api.default_stage.node.default_child  # type: ignore[union-attr, assignment]
        stage.access_log_settings = apigwv2.CfnStage.AccessLogSettingsProperty(
            destination_arn=access_logs.log_group_arn,
            format=json.dumps(
                {
                    "requestId": "$context.requestId",
                    "ip": "$context.identity.sourceIp",
                    "method": "$context.httpMethod",
                    "path": "$context.path",
                    "status": "$context.status",
                    "latencyMs": "$context.responseLatency",
                },
                separators=(",", ":"),
            ),
        )
        # Throttle the public endpoint: it bounds Lambda concurrency and the write rate on the tables.
        stage.default_route_settings = apigwv2.CfnStage.RouteSettingsProperty(throttling_burst_limit=50, throttling_rate_limit=100)

        # Operations: the handlers answer 500 themselves when DynamoDB fails, so the API's 5xx count is the
        # alarm that catches those; the Errors alarms catch crashes and timeouts.
        topic = alarm_topic(self, "Event store alarms")
        notify = cw_actions.SnsAction(topic)

        def alarm(alarm_id: str, metric: cloudwatch.IMetric, description: str) -> None:
            cloudwatch.Alarm(
                self,
                alarm_id,
                metric=metric,
                threshold=1,
                evaluation_periods=1,
                comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
                treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
                alarm_description=description,
            ).add_alarm_action(notify)

        five_minutes = {"statistic": cloudwatch.Stats.SUM, "period": Duration.minutes(5)}
        alarm(
            "ApiServerErrorsAlarm",
            api.metric_server_error(**five_minutes),
            'The account API answered 5xx. Search CommandsLogs and ReaderLogs for "command failed" or "read failed", and the access log for the requests.',
        )
        alarm("CommandsErrorsAlarm", commands.metric_errors(**five_minutes), "The Commands function failed (timeout, crash or bad deploy). Check CommandsLogs.")
        alarm("ReaderErrorsAlarm", reader.metric_errors(**five_minutes), "The Reader function failed (timeout, crash or bad deploy). Check ReaderLogs.")

        CfnOutput(self, "AlarmTopicArn", value=topic.topic_arn)
        CfnOutput(self, "ApiUrl", value=api.api_endpoint, description="POST /accounts/{id}/{open|deposit|withdraw}, GET /accounts/{id}")
        CfnOutput(self, "EventsTableName", value=events.table_name)
        CfnOutput(self, "SnapshotsTableName", value=snapshots.table_name)

        Validations.of(api).acknowledge(
            Acknowledgment(id="AwsSolutions-APIG4", reason="The account API is a public demo endpoint; add a JWT or IAM authorizer before real use.")
        )
