"""The Standard workflow: register, notify, wait on a task token, then grant access and hold it open with a Wait state."""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy, Stack
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns
from aws_cdk import aws_stepfunctions as sfn
from aws_cdk import aws_stepfunctions_tasks as tasks

from functions.register_request import MAX_ACCESS_MINUTES

# Transient Lambda service errors worth another attempt; a bad request is not one of them.
LAMBDA_TRANSIENT_ERRORS = [
    "Lambda.ServiceException",
    "Lambda.AWSLambdaException",
    "Lambda.SdkClientException",
    "Lambda.TooManyRequestsException",
]
# Throttling and server errors of the optimized DynamoDB integration. Step Functions does not list that
# integration's error names, so the two errors whose API name has no "Exception" suffix appear in both spellings.
DYNAMODB_TRANSIENT_ERRORS = [
    "DynamoDB.ProvisionedThroughputExceededException",
    "DynamoDB.RequestLimitExceeded",
    "DynamoDB.RequestLimitExceededException",
    "DynamoDB.ThrottlingException",
    "DynamoDB.InternalServerError",
    "DynamoDB.InternalServerErrorException",
]
# Headroom past the longest approval wait plus the longest access window, for retries and the steps between.
FLOW_MARGIN = Duration.hours(1)


def approval_flow(
    stack: Stack,
    *,
    approvals: dynamodb.ITableV2,
    register_request: lambda_.IFunction,
    approver_topic: sns.ITopic,
    approval_timeout: Duration,
) -> sfn.StateMachine:
    """Register the request, tell the approvers, store the task token and wait for the decision (or the
    deadline), then grant access, hold it open with a Wait state and take it away again."""
    key = {"approvalId": tasks.DynamoAttributeValue.from_string("{% $request.approvalId %}")}
    status_name = {"#status": "status"}
    now = tasks.DynamoAttributeValue.from_string("{% $states.context.State.EnteredTime %}")

    def retry_dynamo(task: sfn.TaskStateBase) -> None:
        task.add_retry(errors=DYNAMODB_TRANSIENT_ERRORS, interval=Duration.seconds(1), max_attempts=3, backoff_rate=2, jitter_strategy=sfn.JitterType.FULL)

    # Every error that survives its retries ends here with its own name and cause.
    request_failed = sfn.Fail.jsonata(stack, "Request failed", error="{% $states.input.Error %}", cause="{% $states.input.Cause %}")
    catch_all = {"errors": ["States.ALL"], "outputs": "{% $states.errorOutput %}"}

    register = tasks.LambdaInvoke.jsonata(
        stack,
        "Register request",
        lambda_function=register_request,
        comment="Validates the request, stores it as PENDING and writes the approvers' message.",
        payload=sfn.TaskInput.from_object(
            {
                "approvalId": "{% $states.context.Execution.Name %}",
                "startedAt": "{% $states.context.Execution.StartTime %}",
                # The deadline is fixed from the start of the execution, so it is never later than the real task timeout.
                "expiresAt": f"{{% $fromMillis($toMillis($states.context.Execution.StartTime) + {int(approval_timeout.to_milliseconds())}) %}}",
                "request": "{% $states.input %}",
            }
        ),
        assign={"request": "{% $states.result.Payload %}"},
        outputs="{% $states.result.Payload %}",
        retry_on_service_exceptions=False,
        task_timeout=sfn.Timeout.duration(Duration.seconds(10)),
    )
    register.add_retry(errors=LAMBDA_TRANSIENT_ERRORS, interval=Duration.seconds(1), max_attempts=3, backoff_rate=2, jitter_strategy=sfn.JitterType.FULL)
    register.add_catch(request_failed, **catch_all)

    notify = tasks.SnsPublish.jsonata(
        stack,
        "Notify approvers",
        topic=approver_topic,
        subject="{% $request.notification.subject %}",
        message=sfn.TaskInput.from_text("{% $request.notification.message %}"),
        outputs="{% $states.input %}",
    )
    notify.add_retry(errors=["States.TaskFailed"], interval=Duration.seconds(2), max_attempts=3, backoff_rate=2, jitter_strategy=sfn.JitterType.FULL)
    notify.add_catch(request_failed, **catch_all)

    # The callback: Step Functions writes its own task token into the request's item and pauses. No function
    # holds the token and no message carries it; only the approval API reads it back, by approval id.
    wait_for_decision = tasks.CallAwsService.jsonata(
        stack,
        "Wait for decision",
        service="dynamodb",
        action="updateItem",
        integration_pattern=sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
        parameters={
            "TableName": approvals.table_name,
            "Key": {"approvalId": {"S": "{% $request.approvalId %}"}},
            "UpdateExpression": "SET taskToken = :token",
            "ConditionExpression": "#status = :pending",
            "ExpressionAttributeNames": status_name,
            "ExpressionAttributeValues": {":token": {"S": "{% $states.context.Task.Token %}"}, ":pending": {"S": "PENDING"}},
        },
        iam_resources=[approvals.table_arn],
        iam_action="dynamodb:UpdateItem",
        comment="Stores the task token and waits for SendTaskSuccess from the approval API, or the deadline.",
        # A person answers within a deadline or not at all, so a timeout and no heartbeat: nobody could send
        # SendTaskHeartbeat while a request sits in an inbox. An external worker would get HeartbeatSeconds.
        task_timeout=sfn.Timeout.duration(approval_timeout),
        assign={"decision": "{% $states.result %}"},
        outputs="{% $states.result %}",
    )
    # States.TaskFailed matches every error except States.Timeout, so an expired wait is never retried.
    wait_for_decision.add_retry(errors=["States.TaskFailed"], interval=Duration.seconds(1), max_attempts=3, backoff_rate=2, jitter_strategy=sfn.JitterType.FULL)

    request_expired = sfn.Succeed.jsonata(
        stack,
        "Request expired",
        outputs={"approvalId": "{% $request.approvalId %}", "outcome": "expired", "expiredAt": "{% $request.expiresAt %}"},
    )
    mark_expired = tasks.DynamoUpdateItem.jsonata(
        stack,
        "Mark expired",
        table=approvals,
        key=key,
        # Only a request nobody decided: a decision that lost the race to the deadline is marked by the API.
        update_expression="SET #status = :expired REMOVE taskToken",
        condition_expression="#status = :pending",
        expression_attribute_names=status_name,
        expression_attribute_values={
            ":expired": tasks.DynamoAttributeValue.from_string("EXPIRED"),
            ":pending": tasks.DynamoAttributeValue.from_string("PENDING"),
        },
    )
    retry_dynamo(mark_expired)
    mark_expired.add_catch(request_expired, errors=["DynamoDB.ConditionalCheckFailedException"])
    mark_expired.add_catch(request_failed, **catch_all)
    mark_expired.next(request_expired)
    wait_for_decision.add_catch(mark_expired, errors=["States.Timeout"])
    wait_for_decision.add_catch(request_failed, **catch_all)

    grant = tasks.DynamoUpdateItem.jsonata(
        stack,
        "Grant access",
        table=approvals,
        key=key,
        update_expression="SET #status = :active, activeFrom = :from, activeUntil = :until",
        condition_expression="#status = :approved",
        expression_attribute_names=status_name,
        expression_attribute_values={
            ":active": tasks.DynamoAttributeValue.from_string("ACTIVE"),
            ":approved": tasks.DynamoAttributeValue.from_string("APPROVED"),
            ":from": now,
            ":until": tasks.DynamoAttributeValue.from_string(
                "{% $fromMillis($toMillis($states.context.State.EnteredTime) + $request.durationMinutes * 60000) %}"
            ),
        },
    )
    retry_dynamo(grant)
    grant.add_catch(request_failed, **catch_all)

    # The Wait state: the workflow holds the access window open for as long as was asked, and pays nothing while it does.
    access_window = sfn.Wait.jsonata(
        stack,
        "Access window",
        time=sfn.WaitTime.seconds("{% $request.durationMinutes * 60 %}"),
        comment="Keeps access open for the approved number of minutes.",
    )

    revoke_failed = sfn.Fail.jsonata(
        stack,
        "Revoke failed",
        error="RevokeFailed",
        cause="{% 'Access under approval ' & $request.approvalId & ' is still ACTIVE: revoke it by hand.' %}",
    )
    revoke = tasks.DynamoUpdateItem.jsonata(
        stack,
        "Revoke access",
        table=approvals,
        key=key,
        update_expression="SET #status = :revoked, revokedAt = :at",
        expression_attribute_names=status_name,
        expression_attribute_values={":revoked": tasks.DynamoAttributeValue.from_string("REVOKED"), ":at": now},
    )
    # Taking access away has to get through: retry every error for about five minutes before calling a person.
    revoke.add_retry(errors=["States.ALL"], interval=Duration.seconds(5), max_attempts=6, backoff_rate=2, jitter_strategy=sfn.JitterType.FULL)
    revoke.add_catch(revoke_failed, errors=["States.ALL"])

    access_revoked = sfn.Succeed.jsonata(
        stack,
        "Access revoked",
        outputs={
            "approvalId": "{% $request.approvalId %}",
            "outcome": "approved",
            "decidedBy": "{% $decision.decidedBy %}",
            "accessMinutes": "{% $request.durationMinutes %}",
        },
    )
    request_rejected = sfn.Succeed.jsonata(
        stack,
        "Request rejected",
        outputs={
            "approvalId": "{% $request.approvalId %}",
            "outcome": "rejected",
            "decidedBy": "{% $decision.decidedBy %}",
            "comment": "{% $decision.comment %}",
        },
    )
    unknown_decision = sfn.Fail.jsonata(
        stack, "Unknown decision", error="UnknownDecision", cause="The callback carried a decision other than approve or reject."
    )

    decide = (
        sfn.Choice.jsonata(stack, "Decision", comment="Routes on what the approver sent back.")
        .when(sfn.Condition.jsonata("{% $states.input.decision = 'approve' %}"), grant.next(access_window).next(revoke).next(access_revoked))
        .when(sfn.Condition.jsonata("{% $states.input.decision = 'reject' %}"), request_rejected)
        .otherwise(unknown_decision)
    )

    flow_logs = logs.LogGroup(
        stack,
        "ApprovalFlowLogs",
        # The vended-logs prefix keeps the account's log resource policy small as workflows are added.
        log_group_name=f"/aws/vendedlogs/states/{stack.stack_name}-ApprovalFlow",
        retention=logs.RetentionDays.ONE_MONTH,
        removal_policy=RemovalPolicy.DESTROY,
    )

    return sfn.StateMachine(
        stack,
        "ApprovalFlow",
        # Standard: only Standard workflows can wait for a callback, and they may run for up to a year.
        state_machine_type=sfn.StateMachineType.STANDARD,
        query_language=sfn.QueryLanguage.JSONATA,
        definition_body=sfn.DefinitionBody.from_chainable(register.next(notify).next(wait_for_decision).next(decide)),
        comment="Registers an access request, waits for a person to approve or reject it, then grants access for a while.",
        # The longest possible run: the whole approval wait, the longest access window, and headroom.
        timeout=approval_timeout.plus(Duration.minutes(MAX_ACCESS_MINUTES)).plus(FLOW_MARGIN),
        tracing_enabled=True,
        # Events without data: the data holds the task token, which must not be copied into logs.
        logs=sfn.LogOptions(destination=flow_logs, level=sfn.LogLevel.ALL, include_execution_data=False),
    )
