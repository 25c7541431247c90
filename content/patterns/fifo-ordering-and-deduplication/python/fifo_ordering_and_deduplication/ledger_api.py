"""A REST API whose one method sends the event straight to the FIFO queue, with no function in between."""

from __future__ import annotations

from aws_cdk import Acknowledgment, Aws, RemovalPolicy, Stack, Validations
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sqs as sqs

from functions.ledger_events import ACCOUNT_ID_PATTERN, EVENT_ID_PATTERN, EVENT_TYPES, MAX_AMOUNT

# The SQS query API expects a form-encoded body; API Gateway sends it with this header.
CONTENT_TYPE_HEADER = "integration.request.header.Content-Type"
FORM_ENCODED = "'application/x-www-form-urlencoded'"
# The query API answers in XML unless asked for JSON; the 202 template reads the JSON form, so ask
# for it explicitly rather than rely on API Gateway's default Accept header.
ACCEPT_HEADER = "integration.request.header.Accept"
JSON_MEDIA_TYPE = "'application/json'"

# The SendMessage call API Gateway makes for each validated body: the account is the message group
# (ordering is per account), and the business event id is the deduplication id (a retried POST of the
# same event is dropped by SQS for five minutes, whatever else changed in the body).
SEND_MESSAGE_TEMPLATE = "&".join(
    [
        "Action=SendMessage",
        "MessageGroupId=$util.urlEncode($input.path('$.accountId'))",
        "MessageDeduplicationId=$util.urlEncode($input.path('$.eventId'))",
        "MessageBody=$util.urlEncode($input.body)",
    ]
)


def add_ledger_api(stack: Stack, queue: sqs.Queue) -> apigw.RestApi:
    access_logs = logs.LogGroup(stack, "ApiAccessLogs", retention=logs.RetentionDays.ONE_MONTH, removal_policy=RemovalPolicy.DESTROY)

    api = apigw.RestApi(
        stack,
        "LedgerApi",
        description="Accepts account ledger events and sends them to the SQS FIFO queue.",
        endpoint_types=[apigw.EndpointType.REGIONAL],
        # The API Gateway CloudWatch Logs role is an account-wide setting that access logs need too:
        # this stack relies on the one the Region already has instead of replacing it.
        cloud_watch_role=False,
        deploy_options=apigw.StageOptions(
            stage_name="v1",
            tracing_enabled=True,
            access_log_destination=apigw.LogGroupLogDestination(access_logs),
            # Python has no defaults here: all nine standard fields, as the TypeScript call gets by default.
            access_log_format=apigw.AccessLogFormat.json_with_standard_fields(
                caller=True,
                http_method=True,
                ip=True,
                protocol=True,
                request_time=True,
                resource_path=True,
                response_length=True,
                status=True,
                user=True,
            ),
            # A backstop for the whole stage, then a tighter limit on the one public method.
            throttling_rate_limit=50,
            throttling_burst_limit=100,
            method_options={"/events/POST": apigw.MethodDeploymentOptions(throttling_rate_limit=20, throttling_burst_limit=40)},
        ),
    )

    event_model = api.add_model(
        "LedgerEventModel",
        content_type="application/json",
        model_name="LedgerEvent",
        schema=apigw.JsonSchema(
            schema=apigw.JsonSchemaVersion.DRAFT4,
            title="LedgerEvent",
            type=apigw.JsonSchemaType.OBJECT,
            required=["accountId", "eventId", "sequence", "type", "amount"],
            additional_properties=False,
            properties={
                "accountId": apigw.JsonSchema(type=apigw.JsonSchemaType.STRING, pattern=ACCOUNT_ID_PATTERN),
                "eventId": apigw.JsonSchema(type=apigw.JsonSchemaType.STRING, pattern=EVENT_ID_PATTERN),
                "sequence": apigw.JsonSchema(type=apigw.JsonSchemaType.INTEGER, minimum=1),
                "type": apigw.JsonSchema(type=apigw.JsonSchemaType.STRING, enum=list(EVENT_TYPES)),
                "amount": apigw.JsonSchema(type=apigw.JsonSchemaType.INTEGER, minimum=1, maximum=MAX_AMOUNT),
            },
        ),
    )

    send_role = iam.Role(
        stack,
        "ApiSendRole",
        assumed_by=iam.ServicePrincipal("apigateway.amazonaws.com"),
        description="Lets the ledger API send to the ledger events queue and nothing else.",
        inline_policies={
            "SendLedgerEvents": iam.PolicyDocument(
                statements=[iam.PolicyStatement(effect=iam.Effect.ALLOW, actions=["sqs:SendMessage"], resources=[queue.queue_arn])]
            )
        },
    )

    send_integration = apigw.AwsIntegration(
        service="sqs",
        # The queue's own path, so the call cannot reach any other queue even if the role could.
        path=f"{Aws.ACCOUNT_ID}/{queue.queue_name}",
        integration_http_method="POST",
        options=apigw.IntegrationOptions(
            credentials_role=send_role,
            # Only JSON bodies have a template; anything else is refused with 415, not forwarded.
            passthrough_behavior=apigw.PassthroughBehavior.NEVER,
            request_templates={"application/json": SEND_MESSAGE_TEMPLATE},
            request_parameters={CONTENT_TYPE_HEADER: FORM_ENCODED, ACCEPT_HEADER: JSON_MEDIA_TYPE},
            integration_responses=[
                apigw.IntegrationResponse(
                    selection_pattern=r"2\d{2}",
                    status_code="202",
                    response_templates={
                        "application/json": (
                            "{\"messageId\": \"$input.path('$.SendMessageResponse.SendMessageResult.MessageId')\", "
                            "\"sequenceNumber\": \"$input.path('$.SendMessageResponse.SendMessageResult.SequenceNumber')\"}"
                        )
                    },
                ),
                # Anything else is our fault, not the caller's; keep SQS's error text out of the response.
                apigw.IntegrationResponse(
                    status_code="500",
                    response_templates={"application/json": '{"message": "The ledger event could not be queued."}'},
                ),
            ],
        ),
    )

    api.root.add_resource("events").add_method(
        "POST",
        send_integration,
        request_validator=api.add_request_validator(
            "LedgerEventValidator",
            request_validator_name="ledger-event",
            validate_request_body=True,
            validate_request_parameters=True,
        ),
        request_models={"application/json": event_model},
        method_responses=[
            apigw.MethodResponse(status_code="202", response_models={"application/json": apigw.Model.EMPTY_MODEL}),
            apigw.MethodResponse(status_code="500", response_models={"application/json": apigw.Model.ERROR_MODEL}),
        ],
    )

    for rule, reason in (
        ("AwsSolutions-APIG4", "A public demo endpoint, throttled per method; put an IAM or Cognito authorizer in front before real use."),
        ("AwsSolutions-COG4", "Callers are not Cognito users in this demo; the authorizer choice is left to the adopter (see APIG4)."),
        ("AwsSolutions-APIG3", "WAF costs a fixed monthly fee per web ACL; the demo relies on stage and method throttling instead."),
        ("AwsSolutions-APIG6", "Execution logging needs the account-wide API Gateway CloudWatch role; JSON access logs record every request."),
    ):
        Validations.of(api).acknowledge(Acknowledgment(id=rule, reason=reason))

    return api
