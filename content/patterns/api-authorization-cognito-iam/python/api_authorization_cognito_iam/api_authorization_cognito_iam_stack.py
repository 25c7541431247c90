"""One REST API: people call with Cognito access tokens and OAuth scopes, services with IAM (SigV4)."""

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
from constructs import Construct

from api_authorization_cognito_iam.user_directory import create_user_directory

FUNCTIONS = Path(__file__).resolve().parent.parent / "functions"

# The one deployed stage; the service policy names it, so a future stage gets no access by accident.
STAGE_NAME = "v1"
# Stage-wide throttle: steady requests per second and burst, for every route together.
THROTTLE_RATE_LIMIT = 50
THROTTLE_BURST_LIMIT = 100
# The service routes and methods the example service role may call, and nothing else.
SERVICE_ROUTES = (("GET", "/internal/orders/*"), ("POST", "/internal/orders/*"))


class ApiAuthorizationCognitoIamStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)

        directory = create_user_directory(self)

        orders = dynamodb.TableV2(
            self,
            "Orders",
            partition_key=dynamodb.Attribute(name="owner", type=dynamodb.AttributeType.STRING),
            sort_key=dynamodb.Attribute(name="orderId", type=dynamodb.AttributeType.STRING),
            billing=dynamodb.Billing.on_demand(),
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(point_in_time_recovery_enabled=True),
            # Demo data: `cdk destroy` removes the table with the stack.
            removal_policy=RemovalPolicy.DESTROY,
        )

        handler_logs = logs.LogGroup(self, "OrdersHandlerLogs", retention=logs.RetentionDays.ONE_MONTH, removal_policy=RemovalPolicy.DESTROY)
        # An explicit role instead of the AWS managed basic-execution policy, whose
        # log permissions reach every log group in the account.
        handler_role = iam.Role(
            self,
            "OrdersHandlerRole",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description="Orders handler: write its own logs and traces, query and put orders.",
        )
        handler_logs.grant_write(handler_role)

        handler = lambda_.Function(
            self,
            "OrdersHandler",
            role=handler_role,
            runtime=lambda_.Runtime.PYTHON_3_13,
            architecture=lambda_.Architecture.ARM_64,
            handler="orders.handler",
            # Plain source, no dependencies beyond the runtime's boto3: no bundling, no Docker.
            code=lambda_.Code.from_asset(str(FUNCTIONS), exclude=["__pycache__", "*.pyc"]),
            memory_size=256,
            timeout=Duration.seconds(5),
            tracing=lambda_.Tracing.ACTIVE,
            logging_format=lambda_.LoggingFormat.JSON,
            log_group=handler_logs,
            environment={"ORDERS_TABLE_NAME": orders.table_name},
        )
        # Least privilege: list one owner's orders and add new ones; no scan, update or delete.
        orders.grant(handler, "dynamodb:Query", "dynamodb:PutItem")

        access_logs = logs.LogGroup(self, "ApiAccessLogs", retention=logs.RetentionDays.ONE_MONTH, removal_policy=RemovalPolicy.DESTROY)
        api = apigw.RestApi(
            self,
            "OrdersApi",
            description="Orders: people call with Cognito access tokens, services with SigV4.",
            endpoint_types=[apigw.EndpointType.REGIONAL],
            # The account-wide API Gateway logging role is shared by every API in the Region;
            # a demo stack should not take it over. Access logs record every call instead.
            cloud_watch_role=False,
            deploy_options=apigw.StageOptions(
                stage_name=STAGE_NAME,
                tracing_enabled=True,
                logging_level=apigw.MethodLoggingLevel.OFF,
                throttling_rate_limit=THROTTLE_RATE_LIMIT,
                throttling_burst_limit=THROTTLE_BURST_LIMIT,
                access_log_destination=apigw.LogGroupLogDestination(access_logs),
                # Who called is part of every line: the token's subject, or the signer's ARN.
                access_log_format=apigw.AccessLogFormat.custom(
                    json.dumps(
                        {
                            "requestId": "$context.requestId",
                            "ip": "$context.identity.sourceIp",
                            "method": "$context.httpMethod",
                            "resource": "$context.resourcePath",
                            "status": "$context.status",
                            "error": "$context.error.responseType",
                            "user": "$context.authorizer.claims.sub",
                            "caller": "$context.identity.userArn",
                            "latencyMs": "$context.responseLatency",
                        },
                        separators=(",", ":"),
                    )
                ),
            ),
        )

        authorizer = apigw.CognitoUserPoolsAuthorizer(
            self,
            "UsersAuthorizer",
            cognito_user_pools=[directory.users],
            identity_source="method.request.header.Authorization",
        )
        new_order = api.add_model(
            "NewOrderModel",
            content_type="application/json",
            schema=apigw.JsonSchema(
                type=apigw.JsonSchemaType.OBJECT,
                required=["item", "quantity"],
                additional_properties=False,
                properties={
                    "item": apigw.JsonSchema(type=apigw.JsonSchemaType.STRING, min_length=1, max_length=100),
                    "quantity": apigw.JsonSchema(type=apigw.JsonSchemaType.INTEGER, minimum=1, maximum=100),
                },
            ),
        )
        # Bodies against the model, and required path parameters, before the function is ever invoked.
        validator = apigw.RequestValidator(
            self,
            "RequestValidator",
            rest_api=api,
            validate_request_body=True,
            validate_request_parameters=True,
        )
        # No extra permission for the console's test-invoke: only the deployed stage may invoke the function.
        integration = apigw.LambdaIntegration(handler, allow_test_invoke=False)

        # People: a Cognito access token carrying the right scope.
        user_orders = api.root.add_resource("orders")
        user_orders.add_method(
            "GET",
            integration,
            authorization_type=apigw.AuthorizationType.COGNITO,
            authorizer=authorizer,
            authorization_scopes=[directory.read_scope],
            request_validator=validator,
        )
        user_orders.add_method(
            "POST",
            integration,
            authorization_type=apigw.AuthorizationType.COGNITO,
            authorizer=authorizer,
            authorization_scopes=[directory.write_scope],
            request_validator=validator,
            request_models={"application/json": new_order},
        )

        # Services: a SigV4 signature from a principal whose IAM policy allows execute-api:Invoke here.
        service_orders = api.root.add_resource("internal").add_resource("orders").add_resource("{owner}")
        owner_parameter = {"method.request.path.owner": True}
        service_orders.add_method(
            "GET",
            integration,
            authorization_type=apigw.AuthorizationType.IAM,
            request_validator=validator,
            request_parameters=owner_parameter,
        )
        service_orders.add_method(
            "POST",
            integration,
            authorization_type=apigw.AuthorizationType.IAM,
            request_parameters=owner_parameter,
            request_validator=validator,
            request_models={"application/json": new_order},
        )

        # What a calling service needs: attach this policy to its role. The example role below
        # lets anyone in this account who may assume it try the service routes from a terminal.
        invoke_policy = iam.ManagedPolicy(
            self,
            "InternalOrdersInvokePolicy",
            description="Call the service routes of the orders API (GET and POST /internal/orders/{owner}) and nothing else.",
            statements=[
                iam.PolicyStatement(
                    actions=["execute-api:Invoke"],
                    resources=[api.arn_for_execute_api(method, path, STAGE_NAME) for method, path in SERVICE_ROUTES],
                )
            ],
        )
        service_role = iam.Role(
            self,
            "OrdersServiceRole",
            assumed_by=iam.AccountRootPrincipal(),
            description="Example caller of the orders service routes; trust your real workload (Lambda, ECS task, EC2) instead.",
            managed_policies=[invoke_policy],
            max_session_duration=Duration.hours(1),
        )

        # --- Operations: one alarm topic and three alarms. ---
        alarm_topic = sns.Topic(self, "AlarmTopic", display_name="API authorization with Cognito and IAM alarms", enforce_ssl=True)
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
        cloudwatch.Alarm(
            self,
            "ApiServerErrorsAlarm",
            metric=api.metric_server_error(statistic=cloudwatch.Stats.SUM, period=Duration.minutes(5)),
            threshold=1,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            alarm_description='The orders API answered 5xx. Search OrdersHandlerLogs for "orders call failed" and ApiAccessLogs for the failing requests.',
        ).add_alarm_action(notify)
        cloudwatch.Alarm(
            self,
            "ApiRejectionsAlarm",
            metric=api.metric_client_error(statistic=cloudwatch.Stats.SUM, period=Duration.minutes(5)),
            threshold=50,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            alarm_description=(
                "At least 50 calls in 5 minutes were refused with 4xx: expired or wrong-scope tokens, a service whose role lost its "
                "permission, or someone probing. The error and caller fields of ApiAccessLogs say which."
            ),
        ).add_alarm_action(notify)
        cloudwatch.Alarm(
            self,
            "OrdersHandlerErrorsAlarm",
            metric=handler.metric_errors(statistic=cloudwatch.Stats.SUM, period=Duration.minutes(5)),
            threshold=1,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            alarm_description="The OrdersHandler function crashed or timed out. Check OrdersHandlerLogs and roll back a bad deploy.",
        ).add_alarm_action(notify)

        CfnOutput(self, "AlarmTopicArn", value=alarm_topic.topic_arn)
        CfnOutput(self, "ApiUrl", value=api.url, description="Base URL of the v1 stage.")
        CfnOutput(self, "UserPoolId", value=directory.users.user_pool_id)
        CfnOutput(
            self,
            "WebClientId",
            value=directory.web_client.user_pool_client_id,
            description="Public app client for the authorization code grant with PKCE.",
        )
        CfnOutput(self, "AuthDomainUrl", value=directory.domain.base_url(), description="Hosted sign-in and token endpoints live under this URL.")
        CfnOutput(self, "ServiceRoleArn", value=service_role.role_arn, description="Assume this role to call /internal/orders/{owner} with SigV4.")
        CfnOutput(self, "TableName", value=orders.table_name)

        Validations.of(api).acknowledge(
            Acknowledgment(
                id="AwsSolutions-APIG3",
                reason="A web ACL bills a fixed monthly fee; every method already demands a Cognito token or a SigV4 signature, and the stage is throttled.",
            ),
            Acknowledgment(
                id="AwsSolutions-APIG6",
                reason="Execution logging needs the account-wide API Gateway CloudWatch role; JSON access logs record every request and its caller.",
            ),
        )
        for method in (service_orders.node.find_child("GET"), service_orders.node.find_child("POST")):
            Validations.of(method).acknowledge(
                Acknowledgment(
                    id="AwsSolutions-COG4",
                    reason="Service-to-service routes use IAM (SigV4) authorization on purpose: workloads already hold IAM roles and need no user pool identity.",
                )
            )
        api_logical_id = self.get_logical_id(api.node.default_child)  # type: ignore[arg-type]
        for method, path in SERVICE_ROUTES:
            Validations.of(invoke_policy).acknowledge(
                Acknowledgment(
                    id=f"AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:<{api_logical_id}>/{STAGE_NAME}/{method}{path}]",
                    reason="The trailing wildcard stands for the {owner} path parameter only; the ARN fixes the API, the v1 stage, the method and /internal/orders.",
                )
            )
        Validations.of(handler).acknowledge(
            *(
                Acknowledgment(
                    id=rule,
                    reason="python3.13 is the one Python runtime every app of this catalog is built and tested on; move to a newer one deliberately, with its tests.",
                )
                for rule in ("AwsSolutions-L1", "Serverless-LambdaLatestVersion")
            ),
            Acknowledgment(
                id="Serverless-LambdaDLQ",
                reason="API Gateway invokes the function synchronously and sees its errors; a DLQ only applies to async invokes.",
            ),
        )
        Validations.of(handler_role).acknowledge(
            Acknowledgment(
                id="AwsSolutions-IAM5[Resource::*]",
                reason="X-Ray trace segments cannot be scoped to a resource; this is the only wildcard.",
            )
        )
