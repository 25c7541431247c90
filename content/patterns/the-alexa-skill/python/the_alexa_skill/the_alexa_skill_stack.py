"""An Alexa skill created from its skill package, answered by a Lambda function that keeps tallies in DynamoDB."""

from pathlib import Path

from aws_cdk import Acknowledgment, CfnOutput, CfnParameter, Duration, RemovalPolicy, SecretValue, Stack, Validations
from aws_cdk import alexa_ask as ask
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3_assets as s3_assets
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import custom_resources as cr
from constructs import Construct

ROOT = Path(__file__).resolve().parent.parent
FUNCTIONS = ROOT / "functions"
SKILL_PACKAGE = ROOT / "skill-package"

ALEXA_PRINCIPAL = "alexa-appkit.amazon.com"
# The temporary statement that lets the skill pass Alexa's endpoint check while it is created.
CREATION_STATEMENT_ID = "AllowAlexaDuringSkillCreation"
# Name of the Secrets Manager secret holding clientId, clientSecret and refreshToken (one-off setup).
DEFAULT_LWA_SECRET_NAME = "the-alexa-skill/lwa"
AWS_CUSTOM_RESOURCE_PROVIDER_ID = "AWS679f53fac002430cb0da5b7982bd2287"


class TheAlexaSkillStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)

        # A parameter rather than context: synth works without it, deploy refuses to start without it.
        vendor_id = CfnParameter(
            self,
            "VendorId",
            type="String",
            description="Your Amazon developer vendor id (developer.amazon.com/settings/console/mycid).",
            allowed_pattern="^[A-Z0-9]+$",
        )
        lwa_secret_name: str = self.node.try_get_context("lwaSecretName") or DEFAULT_LWA_SECRET_NAME

        def lwa(field: str) -> str:
            return SecretValue.secrets_manager(lwa_secret_name, json_field=field).unsafe_unwrap()

        tallies = dynamodb.TableV2(
            self,
            "Tallies",
            partition_key=dynamodb.Attribute(name="userId", type=dynamodb.AttributeType.STRING),
            sort_key=dynamodb.Attribute(name="sk", type=dynamodb.AttributeType.STRING),
            billing=dynamodb.Billing.on_demand(),
            time_to_live_attribute="expiresAt",
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(point_in_time_recovery_enabled=True),
            removal_policy=RemovalPolicy.DESTROY,
        )

        handler_logs = logs.LogGroup(self, "SkillHandlerLogs", retention=logs.RetentionDays.ONE_MONTH, removal_policy=RemovalPolicy.DESTROY)
        handler_role = iam.Role(
            self,
            "SkillHandlerRole",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description="Cup Counter skill: read and update tallies, write its own logs.",
        )
        handler_logs.grant_write(handler_role)
        skill_handler = lambda_.Function(
            self,
            "SkillHandler",
            role=handler_role,
            description="Answers Alexa requests for the Cup Counter skill.",
            runtime=lambda_.Runtime.PYTHON_3_13,
            architecture=lambda_.Architecture.ARM_64,
            handler="cup_counter.handler",
            # Plain source, no dependencies beyond the runtime's boto3: no bundling, no Docker.
            code=lambda_.Code.from_asset(str(FUNCTIONS), exclude=["__pycache__", "*.pyc"]),
            memory_size=256,
            # Alexa waits about eight seconds for a skill; fail well before that.
            timeout=Duration.seconds(5),
            tracing=lambda_.Tracing.ACTIVE,
            logging_format=lambda_.LoggingFormat.JSON,
            log_group=handler_logs,
            environment={"TALLIES_TABLE_NAME": tallies.table_name},
        )
        tallies.grant(skill_handler, "dynamodb:GetItem", "dynamodb:UpdateItem")

        # The skill package (manifest + interaction model) is zipped and uploaded as a CDK asset;
        # Alexa fetches it with a role of its own that can read only that object.
        package_reader = iam.Role(
            self,
            "SkillPackageReader",
            assumed_by=iam.ServicePrincipal(ALEXA_PRINCIPAL),
            description="Lets Alexa read the Cup Counter skill package asset.",
        )
        skill_package = s3_assets.Asset(self, "SkillPackage", path=str(SKILL_PACKAGE))
        # Not skill_package.grant_read(): that would cover every asset in the bootstrap bucket.
        package_reader.add_to_policy(
            iam.PolicyStatement(
                actions=["s3:GetObject"],
                resources=[f"arn:{self.partition}:s3:::{skill_package.s3_bucket_name}/{skill_package.s3_object_key}"],
            )
        )

        # Chicken and egg: Alexa refuses to create a skill whose Lambda endpoint does not already
        # allow alexa-appkit to invoke it, but the permission that should limit invocation to this
        # skill needs the skill id, which exists only afterwards. So an unrestricted statement is
        # added just for the creation, the skill-scoped permission follows, and the unrestricted
        # statement is removed again, all in one deployment.
        swap_logs = logs.LogGroup(self, "PermissionSwapLogs", retention=logs.RetentionDays.ONE_WEEK, removal_policy=RemovalPolicy.DESTROY)
        swap_role = iam.Role(
            self,
            "PermissionSwapRole",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description="Adds and removes the temporary Alexa statement on the skill handler, nothing else.",
        )
        swap_role.add_to_policy(
            iam.PolicyStatement(actions=["lambda:AddPermission", "lambda:RemovePermission"], resources=[skill_handler.function_arn])
        )
        swap_logs.grant_write(swap_role)

        def remove_creation_statement() -> cr.AwsSdkCall:
            return cr.AwsSdkCall(
                service="Lambda",
                action="removePermission",
                parameters={"FunctionName": skill_handler.function_arn, "StatementId": CREATION_STATEMENT_ID},
                ignore_error_codes_matching="ResourceNotFoundException",
                physical_resource_id=cr.PhysicalResourceId.of(CREATION_STATEMENT_ID),
            )

        swap_options = {
            "role": swap_role,
            "log_group": swap_logs,
            "install_latest_aws_sdk": False,
            "memory_size": 256,
            "timeout": Duration.seconds(30),
        }

        open_for_creation = cr.AwsCustomResource(
            self,
            "OpenForSkillCreation",
            **swap_options,
            on_create=cr.AwsSdkCall(
                service="Lambda",
                action="addPermission",
                parameters={
                    "FunctionName": skill_handler.function_arn,
                    "StatementId": CREATION_STATEMENT_ID,
                    "Action": "lambda:InvokeFunction",
                    "Principal": ALEXA_PRINCIPAL,
                },
                physical_resource_id=cr.PhysicalResourceId.of(CREATION_STATEMENT_ID),
            ),
            on_delete=remove_creation_statement(),
        )

        skill = ask.CfnSkill(
            self,
            "Skill",
            vendor_id=vendor_id.value_as_string,
            authentication_configuration=ask.CfnSkill.AuthenticationConfigurationProperty(
                client_id=lwa("clientId"),
                # Dynamic references: CloudFormation resolves them at deploy time, the template holds no secret.
                client_secret=lwa("clientSecret"),
                refresh_token=lwa("refreshToken"),
            ),
            skill_package=ask.CfnSkill.SkillPackageProperty(
                s3_bucket=skill_package.s3_bucket_name,
                s3_key=skill_package.s3_object_key,
                s3_bucket_role=package_reader.role_arn,
                overrides=ask.CfnSkill.OverridesProperty(
                    manifest={"apis": {"custom": {"endpoint": {"uri": skill_handler.function_arn}}}}
                ),
            ),
        )
        skill.node.add_dependency(open_for_creation, package_reader)

        # The lasting permission: only this skill's requests may invoke the handler.
        skill_handler.add_permission(
            "AlexaSkillInvoke",
            principal=iam.ServicePrincipal(ALEXA_PRINCIPAL),
            action="lambda:InvokeFunction",
            event_source_token=skill.ref,
        )
        skill_only = skill_handler.permissions_node.find_child("AlexaSkillInvoke")

        close_after_creation = cr.AwsCustomResource(self, "CloseAfterSkillCreation", **swap_options, on_create=remove_creation_statement())
        close_after_creation.node.add_dependency(skill, skill_only)

        # Operations plumbing: one topic that every alarm of the stack notifies.
        alarm_topic = sns.Topic(self, "AlarmTopic", enforce_ssl=True, display_name="Cup Counter skill alarms")
        alarm_email = self.node.try_get_context("alarmEmail")
        if isinstance(alarm_email, str) and alarm_email:
            Validations.of(alarm_topic.add_subscription(subscriptions.EmailSubscription(alarm_email))).acknowledge(
                Acknowledgment(
                    id="Serverless-SNSRedrivePolicy",
                    reason="An e-mail copy of an alarm notification; a lost e-mail still leaves the alarm in ALARM state in the CloudWatch console.",
                )
            )
        # A crash or a timeout makes Alexa tell the user there was a problem with the skill.
        cloudwatch.Alarm(
            self,
            "SkillHandlerErrorsAlarm",
            metric=skill_handler.metric_errors(statistic="Sum", period=Duration.minutes(5)),
            threshold=1,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            alarm_description=(
                "SkillHandler crashed or timed out, so Alexa told the user the skill has a problem. Find the request in "
                "SkillHandlerLogs; a timeout after 5 seconds usually means DynamoDB was slow."
            ),
        ).add_alarm_action(cw_actions.SnsAction(alarm_topic))

        CfnOutput(self, "SkillId", value=skill.ref, description="Open it in the Alexa developer console to test.")
        CfnOutput(self, "TableName", value=tallies.table_name)
        CfnOutput(self, "FunctionName", value=skill_handler.function_name)

        Validations.of(alarm_topic).acknowledge(
            Acknowledgment(
                id="AwsSolutions-SNS2",
                reason=(
                    "CloudWatch alarms cannot publish to a topic encrypted with the AWS managed key alias/aws/sns, "
                    "a customer managed key costs $1 a month, and alarm notifications carry only alarm names and states."
                ),
            )
        )
        Validations.of(handler_role).acknowledge(
            Acknowledgment(
                id="AwsSolutions-IAM5[Resource::*]",
                reason="X-Ray trace segments cannot be scoped to a resource; this is the only wildcard.",
            )
        )
        Validations.of(skill_handler).acknowledge(
            *(
                Acknowledgment(
                    id=rule,
                    reason="python3.13 is the one Python runtime every app of this catalog is built and tested on; move to a newer one deliberately, with its tests.",
                )
                for rule in ("AwsSolutions-L1", "Serverless-LambdaLatestVersion")
            ),
            Acknowledgment(
                id="Serverless-LambdaDLQ",
                reason="Alexa invokes the function synchronously and speaks its error answer; a DLQ only applies to async invokes.",
            ),
        )
        # CDK creates one provider function for all AwsCustomResources in a stack, under this fixed id.
        swap_provider = self.node.find_child(AWS_CUSTOM_RESOURCE_PROVIDER_ID)
        Validations.of(swap_provider).acknowledge(
            Acknowledgment(
                id="Serverless-LambdaDLQ",
                reason="CloudFormation waits for the custom resource to answer; a failed call fails the deployment instead of queueing.",
            )
        )
        Validations.of(swap_provider).acknowledge(
            Acknowledgment(
                id="Serverless-LambdaTracing",
                reason="CDK does not expose tracing on the AwsCustomResource provider; it runs twice per stack lifetime.",
            )
        )
