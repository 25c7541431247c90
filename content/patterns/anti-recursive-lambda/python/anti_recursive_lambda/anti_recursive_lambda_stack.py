"""THE FIX: Step Functions drives the page loop; the function counts one page and returns."""

from __future__ import annotations

from aws_cdk import Acknowledgment, CfnOutput, Duration, RemovalPolicy, Stack, Validations
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_stepfunctions as sfn
from aws_cdk import aws_stepfunctions_tasks as tasks
from constructs import Construct

from anti_recursive_lambda.inventory_parts import archive_bucket, count_page_function

# Most pages one execution walks. A Standard execution holds at most 25,000 history events and each
# page costs about seven (five for the Lambda task, two for the Choice), so 2,000 pages (2 million
# keys) leaves room for retries. Larger listings belong in a Distributed Map or S3 Inventory.
MAX_PAGES = 2000

# Transient Lambda service errors worth another attempt; a bug in our code is not one of them.
LAMBDA_TRANSIENT_ERRORS = ["Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.SdkClientException", "Lambda.TooManyRequestsException"]


class InventoryWorkflowStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)

        archive = archive_bucket(self)
        count_page, _role = count_page_function(
            self,
            archive=archive,
            handler="count_page.handler",
            description="Counts one page of the archive listing and returns the cursor of the next.",
            # The default, written out: if a loop ever forms around this function, Lambda stops it.
            recursive_loop=lambda_.RecursiveLoop.TERMINATE,
        )

        count = tasks.LambdaInvoke.jsonata(
            self,
            "Count page",
            lambda_function=count_page,
            comment="Takes { prefix, cursor?, totals } and returns the same shape after one page.",
            outputs="{% $states.result.Payload %}",
            retry_on_service_exceptions=False,
            task_timeout=sfn.Timeout.duration(Duration.minutes(1)),
        )
        count.add_retry(
            errors=LAMBDA_TRANSIENT_ERRORS,
            interval=Duration.seconds(2),
            max_attempts=3,
            backoff_rate=2,
            jitter_strategy=sfn.JitterType.FULL,
        )

        too_many = sfn.Fail.jsonata(
            self,
            "Too many pages",
            error="TooManyPages",
            cause=f"The listing has more than {MAX_PAGES} pages; use a Distributed Map or S3 Inventory for a prefix this large.",
        )
        done = sfn.Succeed.jsonata(self, "Inventory done", outputs="{% $states.input %}")
        more = (
            sfn.Choice.jsonata(self, "More pages?", comment="Loop while S3 returned a cursor, up to the page cap.")
            .when(sfn.Condition.jsonata(f"{{% $exists($states.input.cursor) and $states.input.totals.pages >= {MAX_PAGES} %}}"), too_many)
            .when(sfn.Condition.jsonata("{% $exists($states.input.cursor) %}"), count)
            .otherwise(done)
        )

        inventory_logs = logs.LogGroup(
            self,
            "InventoryLogs",
            # The vended-logs prefix keeps the log resource policy small as workflows are added.
            log_group_name=f"/aws/vendedlogs/states/{self.stack_name}-Inventory",
            retention=logs.RetentionDays.ONE_MONTH,
            removal_policy=RemovalPolicy.DESTROY,
        )
        inventory = sfn.StateMachine(
            self,
            "Inventory",
            state_machine_type=sfn.StateMachineType.STANDARD,
            query_language=sfn.QueryLanguage.JSONATA,
            definition_body=sfn.DefinitionBody.from_chainable(count.next(more)),
            comment="Counts the objects and bytes under a prefix of the archive, one page per Lambda invocation.",
            timeout=Duration.hours(2),
            tracing_enabled=True,
            logs=sfn.LogOptions(destination=inventory_logs, level=sfn.LogLevel.ALL, include_execution_data=False),
        )

        # Operations: a failed or timed-out inventory is the only failure a reader needs to hear about;
        # Lambda errors are retried by the workflow and end up here when they persist.
        alarm_topic = sns.Topic(self, "AlarmTopic", display_name="Recursive Lambda fix alarms", enforce_ssl=True)
        alarm_email = self.node.try_get_context("alarmEmail")
        if isinstance(alarm_email, str) and alarm_email:
            Validations.of(alarm_topic.add_subscription(subscriptions.EmailSubscription(alarm_email))).acknowledge(
                Acknowledgment(
                    id="Serverless-SNSRedrivePolicy",
                    reason="An e-mail copy of an alarm notification; a lost e-mail still leaves the alarm in ALARM state in the CloudWatch console.",
                )
            )
        Validations.of(alarm_topic).acknowledge(
            Acknowledgment(
                id="AwsSolutions-SNS2",
                reason=(
                    "CloudWatch alarms cannot publish to a topic under the AWS managed key alias/aws/sns, a customer managed key "
                    "costs $1 a month, and alarm notifications carry only alarm names and states."
                ),
            )
        )
        notify = cw_actions.SnsAction(alarm_topic)
        when_any = {
            "threshold": 1,
            "evaluation_periods": 1,
            "comparison_operator": cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            "treat_missing_data": cloudwatch.TreatMissingData.NOT_BREACHING,
        }
        cloudwatch.Alarm(
            self,
            "InventoryFailedAlarm",
            metric=inventory.metric_failed(statistic=cloudwatch.Stats.SUM, period=Duration.minutes(5)),
            alarm_description=(
                "An inventory failed: a page kept failing after three attempts, the input was bad, or the listing passed the page cap. "
                "The execution history names the state and the error."
            ),
            **when_any,
        ).add_alarm_action(notify)
        cloudwatch.Alarm(
            self,
            "InventoryTimedOutAlarm",
            metric=inventory.metric_timed_out(statistic=cloudwatch.Stats.SUM, period=Duration.minutes(5)),
            alarm_description="An inventory ran for two hours without finishing. Check the execution history for slow pages or throttling.",
            **when_any,
        ).add_alarm_action(notify)

        CfnOutput(self, "AlarmTopicArn", value=alarm_topic.topic_arn)
        CfnOutput(self, "ArchiveBucketName", value=archive.bucket_name)
        CfnOutput(self, "InventoryStateMachineArn", value=inventory.state_machine_arn, description='Start an execution with {"prefix": ""}.')

        count_page_arn = f"<{self.get_logical_id(count_page.node.default_child)}.Arn>"  # type: ignore[arg-type]
        Validations.of(count_page).acknowledge(
            Acknowledgment(
                id="Serverless-LambdaDLQ",
                reason="Only the state machine invokes it, synchronously; failures are retried and recorded there, so a DLQ would never receive anything.",
            )
        )
        Validations.of(inventory).acknowledge(
            Acknowledgment(
                id="AwsSolutions-IAM5[Resource::*]",
                reason="CDK grants log delivery and X-Ray writes to the workflow role; neither API accepts a narrower resource.",
            ),
            Acknowledgment(
                id=f"AwsSolutions-IAM5[Resource::{count_page_arn}:*]",
                reason="The workflow may invoke any version of the CountPage function, and only that function.",
            ),
        )
