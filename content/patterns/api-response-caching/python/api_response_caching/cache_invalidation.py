"""Who may make API Gateway drop a cached answer: only callers who sign the request as the InvalidatorRole.

CloudFormation cannot set per-key invalidation on a stage, so an SDK call sets it.
"""

import re
from typing import TypedDict

from aws_cdk import Acknowledgment, CfnElement, Duration, RemovalPolicy, Stack, Validations
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import custom_resources as cr
from constructs import Construct

# What API Gateway does with a `Cache-Control: max-age=0` header from a caller who may not
# invalidate: serve the cached answer and say so in a warning header. Browsers send that header
# on every reload, so FAIL_WITH_403 would break ordinary readers.
UNAUTHORIZED_INVALIDATION = "SUCCEED_WITH_RESPONSE_HEADER"


class CachedMethod(TypedDict):
    resource_path: str
    http_method: str


def method_setting_path(resource_path: str, http_method: str) -> str:
    """A stage method path in API Gateway's patch syntax: slashes in the resource path become ~1."""
    return f"/{resource_path.replace('/', '~1')}/{http_method}"


def _any_id(resource_path: str) -> str:
    return re.sub(r"\{[^}]+\}", "*", resource_path)


class CacheInvalidation(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, api: apigw.RestApi, cached_methods: list[CachedMethod]) -> None:
        super().__init__(scope, construct_id)
        stage = api.deployment_stage

        # The one principal allowed to invalidate. People or pipelines of this account assume it,
        # if their own IAM policy lets them; nobody outside the account can.
        self.invalidator_role = iam.Role(
            self,
            "InvalidatorRole",
            assumed_by=iam.AccountPrincipal(Stack.of(self).account),
            description="Sign GET requests with Cache-Control: max-age=0 to refresh cached catalog answers.",
            max_session_duration=Duration.hours(1),
        )
        self.invalidator_role.add_to_policy(
            iam.PolicyStatement(
                actions=["execute-api:InvalidateCache"],
                resources=[api.arn_for_execute_api(m["http_method"], _any_id(m["resource_path"]), stage.stage_name) for m in cached_methods],
            )
        )

        patch_operations = [
            op
            for m in cached_methods
            for op in (
                {
                    "op": "replace",
                    "path": f"{method_setting_path(m['resource_path'], m['http_method'])}/caching/requireAuthorizationForCacheControl",
                    "value": "true",
                },
                {
                    "op": "replace",
                    "path": f"{method_setting_path(m['resource_path'], m['http_method'])}/caching/unauthorizedCacheControlHeaderStrategy",
                    "value": UNAUTHORIZED_INVALIDATION,
                },
            )
        ]
        log_group = logs.LogGroup(self, "SettingsLogs", retention=logs.RetentionDays.ONE_WEEK, removal_policy=RemovalPolicy.DESTROY)
        role = iam.Role(
            self,
            "SettingsRole",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description="Sets per-key cache invalidation on the catalog stage, nothing else.",
        )
        log_group.grant_write(role)
        update_stage = cr.AwsSdkCall(
            service="APIGateway",
            action="updateStage",
            parameters={"restApiId": api.rest_api_id, "stageName": stage.stage_name, "patchOperations": patch_operations},
            physical_resource_id=cr.PhysicalResourceId.of("cache-invalidation-settings"),
            # The full stage description can pass CloudFormation's 4 KB limit on custom resource data.
            output_paths=["stageName"],
        )
        cr.AwsCustomResource(
            self,
            "Settings",
            on_create=update_stage,
            on_update=update_stage,
            role=role,
            log_group=log_group,
            install_latest_aws_sdk=False,
            memory_size=256,
            timeout=Duration.minutes(2),
            # UpdateStage is an HTTP PATCH on the stage; only this one stage.
            policy=cr.AwsCustomResourcePolicy.from_statements([iam.PolicyStatement(actions=["apigateway:PATCH"], resources=[stage.stage_arn])]),
        )

        # cdk-nag names the wildcard resources by the logical ids of the API and its stage.
        def logical_id(c: Construct) -> str:
            default_child = c.node.default_child
            assert isinstance(default_child, CfnElement)
            return f"<{Stack.of(self).get_logical_id(default_child)}>"

        execute_api = f"arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:{logical_id(api)}/{logical_id(stage)}"
        Validations.of(self.invalidator_role).acknowledge(
            *(
                Acknowledgment(
                    id=f"AwsSolutions-IAM5[Resource::{execute_api}/{m['http_method']}{_any_id(m['resource_path'])}]",
                    reason="The * stands for the product id: the role may refresh the cached answer for any product, and only on the cached GETs.",
                )
                for m in cached_methods
            )
        )
        # CDK creates one provider function for all AwsCustomResources in a stack, under this fixed id.
        provider = Stack.of(self).node.find_child("AWS" + cr.AwsCustomResource.PROVIDER_FUNCTION_UUID.replace("-", ""))
        Validations.of(provider).acknowledge(
            Acknowledgment(
                id="Serverless-LambdaDLQ",
                reason="CloudFormation waits for the custom resource to answer; a failed call fails the deployment instead of queueing.",
            ),
            Acknowledgment(
                id="Serverless-LambdaTracing",
                reason="CDK does not expose tracing on the AwsCustomResource provider; it runs only when the stage settings are deployed.",
            ),
        )
