"""A trip booking saga: four bookings in a Standard workflow, each undone in reverse order when a later one fails."""

import json
from pathlib import Path

from aws_cdk import Acknowledgment, CfnOutput, Duration, RemovalPolicy, Stack, Validations
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_stepfunctions as sfn
from aws_cdk import aws_stepfunctions_tasks as tasks
from constructs import Construct

from functions.travel.steps import STEPS

FUNCTIONS = Path(__file__).resolve().parent.parent / "functions"

LAMBDA_TRANSIENT_ERRORS = [
    "Lambda.ServiceException",
    "Lambda.AWSLambdaException",
    "Lambda.SdkClientException",
    "Lambda.TooManyRequestsException",
]
DYNAMODB_TRANSIENT_ERRORS = [
    "DynamoDB.ProvisionedThroughputExceededException",
    "DynamoDB.RequestLimitExceeded",
    "DynamoDB.ThrottlingException",
    "DynamoDB.InternalServerError",
]

STATUS = "#status"

PYTHON_RUNTIME_REASON = (
    "python3.13 is the one Python runtime every app of this catalog is built and tested on; "
    "move to a newer one deliberately, with its tests."
)


class TheSagaStepfunctionStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)

        # One table for the whole trip: the trip record and one item per booking, all under the trip id.
        bookings = dynamodb.TableV2(
            self,
            "Bookings",
            partition_key=dynamodb.Attribute(name="tripId", type=dynamodb.AttributeType.STRING),
            sort_key=dynamodb.Attribute(name="step", type=dynamodb.AttributeType.STRING),
            billing=dynamodb.Billing.on_demand(),
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(point_in_time_recovery_enabled=True),
            removal_policy=RemovalPolicy.DESTROY,
        )

        services = {
            "hotel": self._service_function("HotelService", "travel.hotel.handler", bookings),
            "flight": self._service_function("FlightService", "travel.flight.handler", bookings),
            "car": self._service_function("CarService", "travel.car.handler", bookings),
            "payment": self._service_function("PaymentService", "travel.payment.handler", bookings),
        }

        trip_key = {
            "tripId": tasks.DynamoAttributeValue.from_string("{% $trip.tripId %}"),
            "step": tasks.DynamoAttributeValue.from_string("TRIP"),
        }
        now = tasks.DynamoAttributeValue.from_string("{% $states.context.State.EnteredTime %}")

        def retry_everything(state: sfn.TaskStateBase) -> None:
            state.add_retry(errors=["States.ALL"], interval=Duration.seconds(2), max_attempts=5, backoff_rate=2, jitter_strategy=sfn.JitterType.FULL)

        # --- Compensations, built back to front so each can name the one that follows it.
        compensation_failed = sfn.Fail.jsonata(
            self,
            "Compensation failed",
            error="CompensationFailed",
            cause='{% "Undoing the " & $stuckAt & " step kept failing (" & $states.input.Error & "); it needs a person." %}',
        )
        trip_cancelled = sfn.Fail.jsonata(
            self,
            "Trip cancelled",
            error="TripCancelled",
            cause='{% "The " & $failedStep & " step failed with " & $failure.Error & "; it and every step before it were undone." %}',
        )
        mark_cancelled = tasks.DynamoUpdateItem.jsonata(
            self,
            "Mark trip cancelled",
            table=bookings,
            key=trip_key,
            update_expression=f"SET {STATUS} = :cancelled, failedStep = :step, failure = :error, updatedAt = :now",
            expression_attribute_names={STATUS: "status"},
            expression_attribute_values={
                ":cancelled": tasks.DynamoAttributeValue.from_string("CANCELLED"),
                ":step": tasks.DynamoAttributeValue.from_string("{% $failedStep %}"),
                ":error": tasks.DynamoAttributeValue.from_string("{% $failure.Error %}"),
                ":now": now,
            },
        )
        retry_everything(mark_cancelled)
        mark_cancelled.add_catch(
            compensation_failed, errors=["States.ALL"], assign={"stuckAt": "trip record"}, outputs="{% $states.errorOutput %}"
        )
        mark_cancelled.next(trip_cancelled)

        def undo(state_id: str, step: str, following: sfn.IChainable) -> tasks.LambdaInvoke:
            task = tasks.LambdaInvoke.jsonata(
                self,
                state_id,
                lambda_function=services[step],
                payload=sfn.TaskInput.from_object({"action": "cancel", "trip": "{% $trip %}"}),
                outputs="{% $states.result.Payload %}",
                retry_on_service_exceptions=False,
                task_timeout=sfn.Timeout.duration(Duration.seconds(10)),
            )
            # A compensation has to get through: retry every error, for up to about a minute.
            retry_everything(task)
            task.add_catch(compensation_failed, errors=["States.ALL"], assign={"stuckAt": step}, outputs="{% $states.errorOutput %}")
            task.next(following)
            return task

        cancel_hotel = undo("Cancel hotel", "hotel", mark_cancelled)
        cancel_flight = undo("Cancel flight", "flight", cancel_hotel)
        cancel_car = undo("Cancel car", "car", cancel_flight)
        refund_payment = undo("Refund payment", "payment", cancel_car)

        # --- The forward path. Each step's Catch enters the compensation chain at its own undo.
        record_trip = tasks.DynamoPutItem.jsonata(
            self,
            "Record trip",
            table=bookings,
            item={
                "tripId": tasks.DynamoAttributeValue.from_string("{% $states.context.Execution.Name %}"),
                "step": tasks.DynamoAttributeValue.from_string("TRIP"),
                "status": tasks.DynamoAttributeValue.from_string("PENDING"),
                "traveller": tasks.DynamoAttributeValue.from_string("{% $states.input.traveller %}"),
                "destination": tasks.DynamoAttributeValue.from_string("{% $states.input.destination %}"),
                "nights": tasks.DynamoAttributeValue.number_from_string("{% $string($states.input.nights) %}"),
                "updatedAt": now,
            },
            # The execution name is the trip id API Gateway handed back to the caller.
            assign={"trip": '{% $merge([$states.input, {"tripId": $states.context.Execution.Name}]) %}'},
        )
        record_trip.add_retry(
            errors=DYNAMODB_TRANSIENT_ERRORS, interval=Duration.seconds(1), max_attempts=3, backoff_rate=2, jitter_strategy=sfn.JitterType.FULL
        )

        def book(state_id: str, step: str, payload: dict, compensation: sfn.IChainable) -> tasks.LambdaInvoke:
            task = tasks.LambdaInvoke.jsonata(
                self,
                state_id,
                lambda_function=services[step],
                payload=sfn.TaskInput.from_object({**payload, "trip": "{% $trip %}"}),
                outputs="{% $states.result.Payload %}",
                assign={step: "{% $states.result.Payload %}"},
                # CDK's default retry would also be fine, but an explicit one is what the tests pin.
                retry_on_service_exceptions=False,
                task_timeout=sfn.Timeout.duration(Duration.seconds(10)),
            )
            # A provider refusing is final, so only Lambda's own hiccups are retried.
            task.add_retry(
                errors=LAMBDA_TRANSIENT_ERRORS, interval=Duration.seconds(1), max_attempts=3, backoff_rate=2, jitter_strategy=sfn.JitterType.FULL
            )
            task.add_catch(compensation, errors=["States.ALL"], assign={"failedStep": step, "failure": "{% $states.errorOutput %}"})
            return task

        reserve_hotel = book("Reserve hotel", "hotel", {"action": "reserve"}, cancel_hotel)
        reserve_flight = book("Reserve flight", "flight", {"action": "reserve"}, cancel_flight)
        reserve_car = book("Reserve car", "car", {"action": "reserve"}, cancel_car)
        charge_payment = book(
            "Charge payment",
            "payment",
            {"action": "reserve", "amountCents": "{% $hotel.priceCents + $flight.priceCents + $car.priceCents %}"},
            refund_payment,
        )

        confirm_trip = tasks.DynamoUpdateItem.jsonata(
            self,
            "Confirm trip",
            table=bookings,
            key=trip_key,
            update_expression=f"SET {STATUS} = :confirmed, totalCents = :total, updatedAt = :now",
            expression_attribute_names={STATUS: "status"},
            expression_attribute_values={
                ":confirmed": tasks.DynamoAttributeValue.from_string("CONFIRMED"),
                ":total": tasks.DynamoAttributeValue.number_from_string("{% $string($payment.priceCents) %}"),
                ":now": now,
            },
        )
        confirm_trip.add_retry(
            errors=DYNAMODB_TRANSIENT_ERRORS, interval=Duration.seconds(1), max_attempts=3, backoff_rate=2, jitter_strategy=sfn.JitterType.FULL
        )
        # A trip that cannot be recorded as booked is not booked: undo everything.
        confirm_trip.add_catch(refund_payment, errors=["States.ALL"], assign={"failedStep": "confirm", "failure": "{% $states.errorOutput %}"})

        trip_booked = sfn.Succeed.jsonata(
            self,
            "Trip booked",
            outputs={
                "tripId": "{% $trip.tripId %}",
                "status": "CONFIRMED",
                "totalCents": "{% $payment.priceCents %}",
                "references": "{% [$hotel.reference, $flight.reference, $car.reference, $payment.reference] %}",
            },
        )

        definition = (
            record_trip.next(reserve_hotel).next(reserve_flight).next(reserve_car).next(charge_payment).next(confirm_trip).next(trip_booked)
        )

        saga_logs = logs.LogGroup(
            self,
            "BookTripLogs",
            log_group_name=f"/aws/vendedlogs/states/{self.stack_name}-BookTrip",
            retention=logs.RetentionDays.ONE_MONTH,
            removal_policy=RemovalPolicy.DESTROY,
        )
        book_trip = sfn.StateMachine(
            self,
            "BookTrip",
            # Standard: a full history per trip, and room for slow providers.
            state_machine_type=sfn.StateMachineType.STANDARD,
            query_language=sfn.QueryLanguage.JSONATA,
            definition_body=sfn.DefinitionBody.from_chainable(definition),
            comment="Books hotel, flight, car and payment; on any failure undoes the finished steps in reverse order.",
            timeout=Duration.minutes(5),
            tracing_enabled=True,
            # The execution history already holds the data; the logs carry the events for search and alarms.
            logs=sfn.LogOptions(destination=saga_logs, level=sfn.LogLevel.ALL, include_execution_data=False),
        )

        api = self._trips_api(book_trip, bookings)
        self._alarms(book_trip, saga_logs)

        CfnOutput(self, "TripsUrl", value=api.url_for_path("/trips"), description="POST a trip here; GET /trips/<tripId> to read it.")
        CfnOutput(self, "StateMachineArn", value=book_trip.state_machine_arn)
        CfnOutput(self, "TableName", value=bookings.table_name)

        Validations.of(book_trip).acknowledge(
            Acknowledgment(
                id="AwsSolutions-IAM5[Resource::*]",
                reason="CDK grants log delivery and X-Ray writes to the workflow role; neither API accepts a narrower resource.",
            ),
            *(
                Acknowledgment(
                    id=f"AwsSolutions-IAM5[Resource::<{self.get_logical_id(fn.node.default_child)}.Arn>:*]",
                    reason=f"The workflow may invoke any version or alias of {fn.node.id}, and only that function.",
                )
                for fn in services.values()
            ),
        )

    def _alarms(self, book_trip: sfn.StateMachine, saga_logs: logs.LogGroup) -> None:
        """Tells a person when a trip may be left half booked: a compensation gave up, or the saga ran out of time."""
        topic = sns.Topic(self, "AlarmTopic", display_name="The Saga Step Function alarms", enforce_ssl=True)
        email = self.node.try_get_context("alarmEmail")
        if isinstance(email, str) and email:
            Validations.of(topic.add_subscription(subscriptions.EmailSubscription(email))).acknowledge(
                Acknowledgment(
                    id="Serverless-SNSRedrivePolicy",
                    reason="An e-mail copy of an alarm notification; a lost e-mail still leaves the alarm in ALARM state in the CloudWatch console.",
                )
            )
        Validations.of(topic).acknowledge(
            Acknowledgment(
                id="AwsSolutions-SNS2",
                reason=(
                    "CloudWatch alarms cannot publish to a topic encrypted with the AWS managed key alias/aws/sns, "
                    "a customer managed key would cost $1/month, and alarm notifications carry only alarm names and states."
                ),
            )
        )
        notify = cw_actions.SnsAction(topic)

        # The state name is logged even without execution data, so a metric filter can count entries into it.
        stuck = logs.MetricFilter(
            self,
            "CompensationFailedFilter",
            log_group=saga_logs,
            filter_pattern=logs.FilterPattern.all(
                logs.FilterPattern.string_value("$.type", "=", "FailStateEntered"),
                logs.FilterPattern.string_value("$.details.name", "=", "Compensation failed"),
            ),
            metric_namespace="TheSagaStepfunction",
            metric_name="CompensationsFailed",
            metric_value="1",
            default_value=0,
        )
        cloudwatch.Alarm(
            self,
            "CompensationFailedAlarm",
            metric=stuck.metric(statistic="Sum", period=Duration.minutes(5)),
            threshold=1,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            alarm_description=(
                "A BookTrip execution ended in Compensation failed: some booking or charge may still stand. Open the failed "
                "execution, read which step is named in the cause, and undo that booking by hand."
            ),
        ).add_alarm_action(notify)
        cloudwatch.Alarm(
            self,
            "BookTripTimedOutAlarm",
            metric=book_trip.metric_timed_out(statistic="Sum", period=Duration.minutes(5)),
            threshold=1,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            alarm_description=(
                "A BookTrip execution hit its 5-minute timeout, so no compensation ran for it. Find the timed-out execution, "
                "check the trip items in the Bookings table and undo what was booked."
            ),
        ).add_alarm_action(notify)

    def _service_function(self, construct_id: str, handler: str, bookings: dynamodb.TableV2) -> lambda_.Function:
        """One travel provider: reserves and undoes its own booking, with its own role and logs."""
        log_group = logs.LogGroup(
            self, f"{construct_id}Logs", retention=logs.RetentionDays.ONE_MONTH, removal_policy=RemovalPolicy.DESTROY
        )
        role = iam.Role(
            self,
            f"{construct_id}Role",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description=f"{construct_id}: write and undo bookings, write its own logs.",
        )
        log_group.grant_write(role)
        fn = lambda_.Function(
            self,
            construct_id,
            role=role,
            runtime=lambda_.Runtime.PYTHON_3_13,
            architecture=lambda_.Architecture.ARM_64,
            handler=handler,
            # Standard library and the runtime's boto3 only: no bundling, no Docker.
            code=lambda_.Code.from_asset(str(FUNCTIONS), exclude=["__pycache__", "*.pyc"]),
            memory_size=256,
            timeout=Duration.seconds(5),
            tracing=lambda_.Tracing.ACTIVE,
            logging_format=lambda_.LoggingFormat.JSON,
            log_group=log_group,
            environment={"BOOKINGS_TABLE_NAME": bookings.table_name},
        )
        # Reserve is a conditional PutItem, undo an UpdateItem; nothing reads or deletes.
        bookings.grant(fn, "dynamodb:PutItem", "dynamodb:UpdateItem")

        Validations.of(role).acknowledge(
            Acknowledgment(
                id="AwsSolutions-IAM5[Resource::*]",
                reason="X-Ray trace segments cannot be scoped to a resource; this is the only wildcard.",
            )
        )
        Validations.of(fn).acknowledge(
            Acknowledgment(id="AwsSolutions-L1", reason=PYTHON_RUNTIME_REASON),
            Acknowledgment(id="Serverless-LambdaLatestVersion", reason=PYTHON_RUNTIME_REASON),
            Acknowledgment(
                id="Serverless-LambdaDLQ",
                reason=(
                    "Step Functions invokes the function synchronously and handles its errors with Retry and Catch; "
                    "a DLQ only applies to async invokes."
                ),
            ),
        )
        return fn

    def _trips_api(self, book_trip: sfn.StateMachine, bookings: dynamodb.TableV2) -> apigw.RestApi:
        """POST /trips starts the saga; GET /trips/{tripId} reads the trip's items straight from DynamoDB."""
        access_logs = logs.LogGroup(self, "ApiAccessLogs", retention=logs.RetentionDays.ONE_MONTH, removal_policy=RemovalPolicy.DESTROY)
        api = apigw.RestApi(
            self,
            "TripsApi",
            description="Starts trip bookings and reports on them.",
            endpoint_types=[apigw.EndpointType.REGIONAL],
            # Execution logging needs an account-wide role setting; access logs cover this demo.
            cloud_watch_role=False,
            deploy_options=apigw.StageOptions(
                stage_name="v1",
                tracing_enabled=True,
                access_log_destination=apigw.LogGroupLogDestination(access_logs),
                # Every standard field; Python has to name them, TypeScript gets them all by default.
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
                throttling_rate_limit=20,
                throttling_burst_limit=40,
            ),
        )

        trip_model = api.add_model(
            "TripRequestModel",
            content_type="application/json",
            model_name="TripRequest",
            schema=apigw.JsonSchema(
                schema=apigw.JsonSchemaVersion.DRAFT4,
                title="TripRequest",
                type=apigw.JsonSchemaType.OBJECT,
                required=["traveller", "destination", "nights"],
                additional_properties=False,
                properties={
                    "traveller": apigw.JsonSchema(type=apigw.JsonSchemaType.STRING, min_length=1, max_length=100),
                    "destination": apigw.JsonSchema(type=apigw.JsonSchemaType.STRING, min_length=1, max_length=100),
                    "nights": apigw.JsonSchema(type=apigw.JsonSchemaType.INTEGER, minimum=1, maximum=14),
                    "failAt": apigw.JsonSchema(type=apigw.JsonSchemaType.STRING, enum=list(STEPS)),
                },
            ),
        )

        start_role = iam.Role(
            self,
            "StartTripRole",
            assumed_by=iam.ServicePrincipal("apigateway.amazonaws.com"),
            description="Lets the trips API start the booking saga and nothing else.",
            inline_policies={
                "StartBookTrip": iam.PolicyDocument(
                    statements=[
                        iam.PolicyStatement(effect=iam.Effect.ALLOW, actions=["states:StartExecution"], resources=[book_trip.state_machine_arn])
                    ]
                )
            },
        )
        read_role = iam.Role(
            self,
            "ReadTripRole",
            assumed_by=iam.ServicePrincipal("apigateway.amazonaws.com"),
            description="Lets the trips API query the bookings table and nothing else.",
            inline_policies={
                "QueryBookings": iam.PolicyDocument(
                    statements=[iam.PolicyStatement(effect=iam.Effect.ALLOW, actions=["dynamodb:Query"], resources=[bookings.table_arn])]
                )
            },
        )

        generic_error = {"application/json": '{"message": "The trip service failed; try again later."}'}

        # The request id doubles as execution name and trip id. escapeJavaScript also escapes
        # single quotes, which JSON does not allow, so those are put back.
        start_template = "\n".join(
            [
                "{",
                f'  "stateMachineArn": "{book_trip.state_machine_arn}",',
                '  "name": "$context.requestId",',
                '  "input": "$util.escapeJavaScript($input.json(\'$\')).replaceAll("\\\\\'", "\'")"',
                "}",
            ]
        )
        start = apigw.AwsIntegration(
            service="states",
            action="StartExecution",
            integration_http_method="POST",
            options=apigw.IntegrationOptions(
                credentials_role=start_role,
                passthrough_behavior=apigw.PassthroughBehavior.NEVER,
                request_templates={"application/json": start_template},
                integration_responses=[
                    apigw.IntegrationResponse(
                        selection_pattern=r"2\d{2}",
                        status_code="202",
                        response_templates={
                            "application/json": """{"tripId": "$context.requestId", "executionArn": "$input.path('$.executionArn')"}"""
                        },
                    ),
                    apigw.IntegrationResponse(status_code="500", response_templates=generic_error),
                ],
            ),
        )

        query_template = json.dumps(
            {
                "TableName": bookings.table_name,
                "KeyConditionExpression": "tripId = :id",
                "ExpressionAttributeValues": {":id": {"S": "$util.escapeJavaScript($input.params('tripId'))"}},
                "ConsistentRead": True,
            },
            separators=(",", ":"),
        )
        read_template = "\n".join(
            [
                "#set($items = $input.path('$.Items'))",
                "#if($items.size() == 0)",
                "#set($context.responseOverride.status = 404)",
                '{"message": "No trip with that id."}',
                "#else",
                """{"tripId": "$util.escapeJavaScript($input.params('tripId'))", "records": [""",
                "#foreach($item in $items)",
                '{"step": "$item.step.S", "status": "$item.status.S"'
                '#if($item.reference), "reference": "$item.reference.S"#end'
                "#if($item.priceCents), \"priceCents\": $item.priceCents.N#end"
                "#if($item.totalCents), \"totalCents\": $item.totalCents.N#end"
                '#if($item.failedStep), "failedStep": "$item.failedStep.S", "failure": "$util.escapeJavaScript($item.failure.S)"#end'
                "}#if($foreach.hasNext),#end",
                "#end",
                "]}",
                "#end",
            ]
        )
        read = apigw.AwsIntegration(
            service="dynamodb",
            action="Query",
            integration_http_method="POST",
            options=apigw.IntegrationOptions(
                credentials_role=read_role,
                passthrough_behavior=apigw.PassthroughBehavior.NEVER,
                request_templates={"application/json": query_template},
                integration_responses=[
                    apigw.IntegrationResponse(
                        selection_pattern=r"2\d{2}", status_code="200", response_templates={"application/json": read_template}
                    ),
                    apigw.IntegrationResponse(status_code="500", response_templates=generic_error),
                ],
            ),
        )

        trips = api.root.add_resource("trips")
        trips.add_method(
            "POST",
            start,
            request_validator=api.add_request_validator(
                "TripRequestValidator",
                request_validator_name="trip-request",
                validate_request_body=True,
                validate_request_parameters=True,
            ),
            request_models={"application/json": trip_model},
            method_responses=[
                apigw.MethodResponse(status_code="202", response_models={"application/json": apigw.Model.EMPTY_MODEL}),
                apigw.MethodResponse(status_code="500", response_models={"application/json": apigw.Model.ERROR_MODEL}),
            ],
        )
        trips.add_resource("{tripId}").add_method(
            "GET",
            read,
            request_parameters={"method.request.path.tripId": True},
            method_responses=[
                apigw.MethodResponse(status_code="200", response_models={"application/json": apigw.Model.EMPTY_MODEL}),
                apigw.MethodResponse(status_code="404", response_models={"application/json": apigw.Model.ERROR_MODEL}),
                apigw.MethodResponse(status_code="500", response_models={"application/json": apigw.Model.ERROR_MODEL}),
            ],
        )

        Validations.of(api).acknowledge(
            Acknowledgment(
                id="AwsSolutions-APIG4",
                reason="A public demo endpoint, throttled on the stage; put an IAM or Cognito authorizer in front before real use.",
            ),
            Acknowledgment(
                id="AwsSolutions-COG4",
                reason="Callers are not Cognito users in this demo; the authorizer choice is left to the adopter (see APIG4).",
            ),
            Acknowledgment(
                id="AwsSolutions-APIG3",
                reason="WAF costs a fixed monthly fee per web ACL; the demo relies on stage throttling and request validation instead.",
            ),
            Acknowledgment(
                id="AwsSolutions-APIG6",
                reason="Execution logging needs the account-wide API Gateway CloudWatch role; JSON access logs record every request.",
            ),
        )
        return api
