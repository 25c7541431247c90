"""A REST API stage cache in front of a Lambda catalog reader backed by DynamoDB."""

import json
from pathlib import Path
from typing import Any

from aws_cdk import Acknowledgment, CfnOutput, Duration, RemovalPolicy, Stack, Validations
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from api_response_caching.cache_invalidation import CacheInvalidation
from api_response_caching.operations import FIVE_MINUTE_SUM, Operations

FUNCTIONS = Path(__file__).resolve().parent.parent / "functions"

# How long API Gateway serves a cached answer before asking the function again.
PRODUCT_TTL = Duration.minutes(5)
REVIEWS_TTL = Duration.minutes(1)
# The smallest stage cache; it is billed for every hour the stack exists.
CACHE_SIZE_GB = "0.5"
# Default monthly limit of the API Gateway cost budget in US dollars; override with -c monthlyBudgetUsd=...
DEFAULT_MONTHLY_BUDGET_USD = 20
# Same rule as functions/catalog.py; the API's request model enforces it before the function runs.
MAX_COMMENT_LENGTH = 500

PRODUCT_ID = "method.request.path.productId"
CURRENCY = "method.request.querystring.currency"


def _monthly_budget_usd(raw: Any) -> float:
    try:
        value = float(DEFAULT_MONTHLY_BUDGET_USD if raw is None else raw)
    except (TypeError, ValueError):
        value = float("nan")
    if not value == value or value <= 0 or value == float("inf"):
        raise ValueError(f"monthlyBudgetUsd must be a positive number of US dollars, got {raw}")
    return value


class ApiResponseCachingStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)

        monthly_budget_usd = _monthly_budget_usd(self.node.try_get_context("monthlyBudgetUsd"))

        catalog = dynamodb.TableV2(
            self,
            "Catalog",
            partition_key=dynamodb.Attribute(name="productId", type=dynamodb.AttributeType.STRING),
            sort_key=dynamodb.Attribute(name="sk", type=dynamodb.AttributeType.STRING),
            billing=dynamodb.Billing.on_demand(),
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(point_in_time_recovery_enabled=True),
            # A demo stack should leave nothing behind on `cdk destroy`.
            removal_policy=RemovalPolicy.DESTROY,
        )

        ttl_environment = {
            "TABLE_NAME": catalog.table_name,
            "PRODUCT_TTL_SECONDS": str(int(PRODUCT_TTL.to_seconds())),
            "REVIEWS_TTL_SECONDS": str(int(REVIEWS_TTL.to_seconds())),
        }
        reader = self._lambda("CatalogReader", "catalog_reader.handler", "Catalog reader: write its own logs, query the catalog table.", ttl_environment)
        # Least privilege: the reader only queries; it cannot write or scan.
        catalog.grant(reader, "dynamodb:Query")
        writer = self._lambda("ReviewWriter", "review_writer.handler", "Review writer: write its own logs, add reviews to the catalog table.", ttl_environment)
        # A transaction of a condition check on the product and a put of the review.
        catalog.grant(writer, "dynamodb:ConditionCheckItem", "dynamodb:PutItem")

        access_logs = logs.LogGroup(self, "ApiAccessLogs", retention=logs.RetentionDays.ONE_MONTH, removal_policy=RemovalPolicy.DESTROY)
        api = apigw.RestApi(
            self,
            "CatalogApi",
            description="Product catalog reads served from the stage cache; review writes go straight through.",
            endpoint_types=[apigw.EndpointType.REGIONAL],
            # Execution logging needs an account-wide role setting; access logs cover this demo.
            cloud_watch_role=False,
            deploy_options=apigw.StageOptions(
                stage_name="prod",
                tracing_enabled=True,
                throttling_rate_limit=100,
                throttling_burst_limit=50,
                access_log_destination=apigw.LogGroupLogDestination(access_logs),
                access_log_format=apigw.AccessLogFormat.custom(
                    json.dumps(
                        {
                            "requestId": "$context.requestId",
                            "ip": "$context.identity.sourceIp",
                            "method": "$context.httpMethod",
                            "resource": "$context.resourcePath",
                            "path": "$context.path",
                            "status": "$context.status",
                            "latencyMs": "$context.responseLatency",
                            "integrationLatencyMs": "$context.integrationLatency",
                        },
                        separators=(",", ":"),
                    )
                ),
                # The cache itself: one 0.5 GB cluster for the stage, encrypted at rest. Caching is off
                # for every method unless a method below turns it on.
                cache_cluster_enabled=True,
                cache_cluster_size=CACHE_SIZE_GB,
                caching_enabled=False,
                cache_data_encrypted=True,
                method_options={
                    "/products/{productId}/GET": apigw.MethodDeploymentOptions(caching_enabled=True, cache_ttl=PRODUCT_TTL, cache_data_encrypted=True),
                    "/products/{productId}/reviews/GET": apigw.MethodDeploymentOptions(caching_enabled=True, cache_ttl=REVIEWS_TTL, cache_data_encrypted=True),
                    # A write must always reach the function; say so explicitly rather than trust a default.
                    "/products/{productId}/reviews/POST": apigw.MethodDeploymentOptions(caching_enabled=False),
                },
            ),
        )

        product = api.root.add_resource("products").add_resource("{productId}")
        # The cache key is the resource path plus these parameters. Leave productId out and every
        # product shares one cached answer; leave currency out and a EUR caller gets the USD price.
        product.add_method(
            "GET",
            apigw.LambdaIntegration(reader, cache_key_parameters=[PRODUCT_ID, CURRENCY]),
            request_parameters={PRODUCT_ID: True, CURRENCY: False},
        )
        reviews = product.add_resource("reviews")
        reviews.add_method("GET", apigw.LambdaIntegration(reader, cache_key_parameters=[PRODUCT_ID]), request_parameters={PRODUCT_ID: True})
        review_model = api.add_model(
            "ReviewModel",
            content_type="application/json",
            model_name="Review",
            schema=apigw.JsonSchema(
                schema=apigw.JsonSchemaVersion.DRAFT4,
                title="Review",
                type=apigw.JsonSchemaType.OBJECT,
                required=["rating", "comment"],
                additional_properties=False,
                properties={
                    "rating": apigw.JsonSchema(type=apigw.JsonSchemaType.INTEGER, minimum=1, maximum=5),
                    "comment": apigw.JsonSchema(type=apigw.JsonSchemaType.STRING, min_length=1, max_length=MAX_COMMENT_LENGTH),
                },
            ),
        )
        reviews.add_method(
            "POST",
            apigw.LambdaIntegration(writer),
            request_parameters={PRODUCT_ID: True},
            request_validator=api.add_request_validator("ReviewValidator", validate_request_body=True, validate_request_parameters=True),
            request_models={"application/json": review_model},
        )

        invalidation = CacheInvalidation(
            self,
            "CacheInvalidation",
            api=api,
            cached_methods=[
                {"resource_path": "/products/{productId}", "http_method": "GET"},
                {"resource_path": "/products/{productId}/reviews", "http_method": "GET"},
            ],
        )

        # Someone is told: 5xx from the API, any function error, and the month's API Gateway bill.
        ops = Operations(self, "Operations")
        ops.alarm_on_any(
            "ApiServerErrorsAlarm",
            api.deployment_stage.metric_server_error(**FIVE_MINUTE_SUM),
            'The catalog API answered 5xx. Read ApiAccessLogs for the resource and status, then the function log ("catalog read failed" or "review write failed").',
        )
        ops.alarm_on_any(
            "CatalogReaderErrorsAlarm",
            reader.metric_errors(**FIVE_MINUTE_SUM),
            "CatalogReader crashed or timed out. A product with very many reviews can outrun its 10-second timeout; check CatalogReaderLogs.",
        )
        ops.alarm_on_any(
            "ReviewWriterErrorsAlarm",
            writer.metric_errors(**FIVE_MINUTE_SUM),
            "ReviewWriter crashed or timed out. Check ReviewWriterLogs; callers got a 5xx and may retry.",
        )
        ops.monthly_budget("MonthlyCostBudget", "Amazon API Gateway", monthly_budget_usd)

        CfnOutput(self, "ApiUrl", value=api.url, description="GET products/{id}?currency=EUR, GET and POST products/{id}/reviews.")
        CfnOutput(self, "TableName", value=catalog.table_name)
        CfnOutput(self, "InvalidatorRoleArn", value=invalidation.invalidator_role.role_arn, description="Assume it to sign Cache-Control: max-age=0 requests.")
        CfnOutput(self, "AlarmTopicArn", value=ops.topic.topic_arn, description="Alarms and the API Gateway cost budget notify this topic.")

        Validations.of(api).acknowledge(
            Acknowledgment(id="AwsSolutions-APIG4", reason="A public catalog demo with stage throttling; add an authorizer to the review POST before real use."),
            Acknowledgment(id="AwsSolutions-COG4", reason="Readers are anonymous in this demo; the authorizer choice is left to the adopter (see APIG4)."),
            Acknowledgment(
                id="AwsSolutions-APIG3",
                reason="WAF costs a fixed monthly fee per web ACL; the demo relies on stage throttling, the request model and the cache.",
            ),
            Acknowledgment(
                id="AwsSolutions-APIG6",
                reason="Execution logging needs the account-wide API Gateway CloudWatch role; JSON access logs record every request.",
            ),
        )

    def _lambda(self, construct_id: str, handler: str, description: str, environment: dict[str, str]) -> lambda_.Function:
        log_group = logs.LogGroup(self, f"{construct_id}Logs", retention=logs.RetentionDays.ONE_MONTH, removal_policy=RemovalPolicy.DESTROY)
        # An explicit role instead of the managed basic-execution policy, which can write to every log group.
        role = iam.Role(self, f"{construct_id}Role", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"), description=description)
        log_group.grant_write(role)
        fn = lambda_.Function(
            self,
            construct_id,
            role=role,
            log_group=log_group,
            runtime=lambda_.Runtime.PYTHON_3_13,
            architecture=lambda_.Architecture.ARM_64,
            handler=handler,
            # Plain source, no dependencies beyond the runtime's boto3: no bundling, no Docker.
            code=lambda_.Code.from_asset(str(FUNCTIONS), exclude=["__pycache__", "*.pyc"]),
            memory_size=256,
            timeout=Duration.seconds(10),
            tracing=lambda_.Tracing.ACTIVE,
            logging_format=lambda_.LoggingFormat.JSON,
            environment=environment,
        )
        Validations.of(role).acknowledge(
            Acknowledgment(id="AwsSolutions-IAM5[Resource::*]", reason="X-Ray trace segments cannot be scoped to a resource; this is the only wildcard.")
        )
        Validations.of(fn).acknowledge(
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
        return fn
