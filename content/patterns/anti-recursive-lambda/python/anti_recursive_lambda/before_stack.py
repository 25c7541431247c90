"""THE ANTI-PATTERN, for reading and synthesis only.

A function that counts one page of a bucket listing and then sends the next page's cursor to the
very queue that invoked it. Never deployed by default (app.py creates it only with `-c antiPattern=before`).
"""

from __future__ import annotations

from aws_cdk import Acknowledgment, CfnOutput, Duration, Stack, Validations
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from anti_recursive_lambda.inventory_parts import archive_bucket, count_page_function

DLQ_REASON = "This is the dead-letter queue itself; messages wait here for inspection and redrive, a further DLQ would only move them again."


class RecursiveInventoryStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)

        archive = archive_bucket(self)

        pages_dlq = sqs.Queue(self, "PagesDlq", enforce_ssl=True, retention_period=Duration.days(14))
        pages = sqs.Queue(
            self,
            "Pages",
            enforce_ssl=True,
            # Six times the function timeout, as Lambda recommends for SQS event sources.
            visibility_timeout=Duration.minutes(3),
            dead_letter_queue=sqs.DeadLetterQueue(queue=pages_dlq, max_receive_count=3),
        )

        count_page, _role = count_page_function(
            self,
            archive=archive,
            handler="count_and_requeue.handler",
            description="Counts one page of the archive listing, then queues the next page for itself.",
            environment={"PAGES_QUEUE_URL": pages.queue_url},
            # What the team did when Lambda's loop detection stopped every inventory at about page 16:
            # the guard rail is off, so nothing but the code now ends the chain.
            recursive_loop=lambda_.RecursiveLoop.ALLOW,
        )
        count_page.add_event_source(sources.SqsEventSource(pages, batch_size=1))
        # The anti-pattern in one line: the consumer may write to its own trigger.
        pages.grant_send_messages(count_page)

        CfnOutput(self, "ArchiveBucketName", value=archive.bucket_name)
        CfnOutput(self, "PagesQueueUrl", value=pages.queue_url, description='Send {"prefix": ""} here to start an inventory.')

        Validations.of(count_page).acknowledge(
            Acknowledgment(
                id="Serverless-LambdaDLQ",
                reason=(
                    "Only the SQS event source mapping invokes the function; failed messages reach PagesDlq through the queue "
                    "redrive policy, and a function DLQ only serves async invokes."
                ),
            ),
            Acknowledgment(
                id="Serverless-LambdaEventSourceMappingDestination",
                reason="Lambda does not support on-failure destinations for SQS event sources; the queue redrive policy to PagesDlq plays that role.",
            ),
        )
        Validations.of(pages_dlq).acknowledge(
            Acknowledgment(id="AwsSolutions-SQS3", reason=DLQ_REASON),
            Acknowledgment(id="Serverless-SQSRedrivePolicy", reason=DLQ_REASON),
        )
