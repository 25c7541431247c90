"""AppSync resolves customers from DynamoDB with APPSYNC_JS resolvers and a computed loyalty field with Lambda."""

from pathlib import Path

from aws_cdk import Acknowledgment, CfnOutput, CfnParameter, Duration, RemovalPolicy, Stack, Validations
from aws_cdk import aws_appsync as appsync
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from constructs import Construct

ROOT = Path(__file__).resolve().parent.parent
FUNCTIONS = ROOT / "functions"
RESOLVERS = ROOT / "resolvers"
SCHEMA = ROOT / "schema.graphql"

# How many Customer.loyalty fields AppSync may gather into one Lambda invocation.
LOYALTY_BATCH_SIZE = 25

# Exactly the item operations the DynamoDB resolvers use.
CUSTOMER_TABLE_ACTIONS = [
    "dynamodb:GetItem",
    "dynamodb:Scan",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
]


class TheSimpleGraphqlServiceStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)

        customers = dynamodb.TableV2(
            self,
            "Customers",
            partition_key=dynamodb.Attribute(name="id", type=dynamodb.AttributeType.STRING),
            billing=dynamodb.Billing.on_demand(),
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(point_in_time_recovery_enabled=True),
            removal_policy=RemovalPolicy.DESTROY,
        )

        api = appsync.GraphqlApi(
            self,
            "Api",
            name="customers",
            definition=appsync.Definition.from_file(str(SCHEMA)),
            authorization_config=appsync.AuthorizationConfig(
                default_authorization=appsync.AuthorizationMode(
                    authorization_type=appsync.AuthorizationType.API_KEY,
                    # The expiry comes from the ApiKeyExpires parameter below, not from the clock at synth time.
                    api_key_config=appsync.ApiKeyConfig(name="Demo", description="Demo key; deploy with a later ApiKeyExpires to renew."),
                )
            ),
            xray_enabled=True,
            # The schema is not recursive, so nothing legitimate goes deeper than four levels.
            query_depth_limit=5,
        )

        # Keys can live up to a year; a short life limits what a leaked demo key is worth. The deployer
        # chooses the moment, so the template stays the same from one synth to the next.
        api_key_expires = CfnParameter(
            self,
            "ApiKeyExpires",
            type="Number",
            description=(
                "When the demo API key stops working, in seconds since 1970 UTC: 1 to 365 days ahead, "
                "e.g. $(( $(date +%s) + 30*86400 ))."
            ),
        )
        demo_key: appsync.CfnApiKey = api.node.find_child("DemoApiKey")  # type: ignore[assignment]
        demo_key.expires = api_key_expires.value_as_number

        # AppSync writes to /aws/appsync/apis/<api id>. Creating that group here gives it a
        # retention period without CDK's LogRetention helper function, and lets the logging
        # role name one log group instead of using the managed policy that covers them all.
        api_logs = logs.LogGroup(
            self,
            "ApiLogs",
            log_group_name=f"/aws/appsync/apis/{api.api_id}",
            retention=logs.RetentionDays.ONE_MONTH,
            removal_policy=RemovalPolicy.DESTROY,
        )
        api_logs_role = iam.Role(
            self,
            "ApiLogsRole",
            assumed_by=iam.ServicePrincipal("appsync.amazonaws.com"),
            description="Lets AppSync write request and error logs to its one log group.",
        )
        api_logs.grant(api_logs_role, "logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents")
        cfn_api: appsync.CfnGraphQLApi = api.node.default_child  # type: ignore[assignment]
        cfn_api.log_config = appsync.CfnGraphQLApi.LogConfigProperty(
            cloud_watch_logs_role_arn=api_logs_role.role_arn,
            field_log_level=appsync.FieldLogLevel.ERROR.value,
            exclude_verbose_content=False,
        )

        # Data source roles are written out by hand; without_policy_updates() stops the data
        # source constructs from adding their own, broader grants (all of read/write, index/*, alias :*).
        customers_source_role = iam.Role(
            self,
            "CustomersSourceRole",
            assumed_by=iam.ServicePrincipal("appsync.amazonaws.com"),
            description="AppSync customer resolvers: item reads and writes on the customers table only.",
            inline_policies={
                "CustomerItems": iam.PolicyDocument(
                    statements=[iam.PolicyStatement(actions=CUSTOMER_TABLE_ACTIONS, resources=[customers.table_arn])]
                )
            },
        )
        customers_source = appsync.DynamoDbDataSource(
            self,
            "CustomersSource",
            api=api,
            table=customers,
            service_role=customers_source_role.without_policy_updates(),
            description="Customer items, read and written by APPSYNC_JS resolvers.",
        )

        loyalty_logs = logs.LogGroup(self, "LoyaltyCalculatorLogs", retention=logs.RetentionDays.ONE_MONTH, removal_policy=RemovalPolicy.DESTROY)
        loyalty_role = iam.Role(
            self,
            "LoyaltyCalculatorRole",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description="Loyalty calculator: pure computation, so only its own logs and traces.",
        )
        loyalty_logs.grant_write(loyalty_role)

        loyalty_calculator = lambda_.Function(
            self,
            "LoyaltyCalculator",
            role=loyalty_role,
            runtime=lambda_.Runtime.PYTHON_3_13,
            architecture=lambda_.Architecture.ARM_64,
            handler="loyalty_calculator.handler",
            # Plain source, no dependencies: no bundling, no Docker.
            code=lambda_.Code.from_asset(str(FUNCTIONS), exclude=["__pycache__", "*.pyc"]),
            memory_size=256,
            timeout=Duration.seconds(5),
            tracing=lambda_.Tracing.ACTIVE,
            logging_format=lambda_.LoggingFormat.JSON,
            log_group=loyalty_logs,
        )

        loyalty_source_role = iam.Role(
            self,
            "LoyaltySourceRole",
            assumed_by=iam.ServicePrincipal("appsync.amazonaws.com"),
            description="AppSync loyalty resolver: invoke the loyalty calculator and nothing else.",
            inline_policies={
                "InvokeLoyalty": iam.PolicyDocument(
                    statements=[iam.PolicyStatement(actions=["lambda:InvokeFunction"], resources=[loyalty_calculator.function_arn])]
                )
            },
        )
        loyalty_source = appsync.LambdaDataSource(
            self,
            "LoyaltySource",
            api=api,
            lambda_function=loyalty_calculator,
            service_role=loyalty_source_role.without_policy_updates(),
            description="Works out the computed Customer.loyalty field.",
        )

        resolvers: list[tuple[appsync.BaseDataSource, str, str, str]] = [
            (customers_source, "Query", "getCustomer", "get-customer"),
            (customers_source, "Query", "listCustomers", "list-customers"),
            (customers_source, "Mutation", "addCustomer", "add-customer"),
            (customers_source, "Mutation", "recordPurchase", "record-purchase"),
            (customers_source, "Mutation", "removeCustomer", "remove-customer"),
            (loyalty_source, "Customer", "loyalty", "customer-loyalty"),
        ]
        for source, type_name, field_name, file in resolvers:
            source.create_resolver(
                f"{type_name}{field_name[0].upper()}{field_name[1:]}Resolver",
                type_name=type_name,
                field_name=field_name,
                runtime=appsync.FunctionRuntime.JS_1_0_0,
                code=appsync.Code.from_asset(str(RESOLVERS / f"{file}.js")),
                # Batching only means something for the Lambda field; DynamoDB resolvers ignore it.
                max_batch_size=LOYALTY_BATCH_SIZE if source is loyalty_source else None,
            )

        # Operations plumbing: one topic that every alarm of the stack notifies.
        alarm_topic = sns.Topic(self, "AlarmTopic", enforce_ssl=True, display_name="Simple GraphQL service alarms")
        alarm_email = self.node.try_get_context("alarmEmail")
        if isinstance(alarm_email, str) and alarm_email:
            Validations.of(alarm_topic.add_subscription(subscriptions.EmailSubscription(alarm_email))).acknowledge(
                Acknowledgment(
                    id="Serverless-SNSRedrivePolicy",
                    reason="An e-mail copy of an alarm notification; a lost e-mail still leaves the alarm in ALARM state in the CloudWatch console.",
                )
            )
        notify = cw_actions.SnsAction(alarm_topic)
        # A bad customer fails only its own field and is not an invocation error; a whole batch failing is.
        cloudwatch.Alarm(
            self,
            "LoyaltyCalculatorErrorsAlarm",
            metric=loyalty_calculator.metric_errors(statistic="Sum", period=Duration.minutes(5)),
            threshold=1,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            alarm_description=(
                "LoyaltyCalculator failed a whole batch, so every loyalty field in those requests came back null with an error. "
                "Read LoyaltyCalculatorLogs; a non-list event means the resolver stopped using BatchInvoke."
            ),
        ).add_alarm_action(notify)
        # AppSync counts requests it could not finish because of a server-side problem here (GraphQL errors from
        # resolvers, such as NotFound or ValidationError, are not 5XX).
        cloudwatch.Alarm(
            self,
            "ApiServerErrorsAlarm",
            metric=cloudwatch.Metric(
                namespace="AWS/AppSync",
                metric_name="5XXError",
                dimensions_map={"GraphQLAPIId": api.api_id},
                statistic="Sum",
                period=Duration.minutes(5),
            ),
            threshold=1,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            alarm_description=(
                "AppSync could not complete requests because of a server error. Check the AWS Health dashboard for AppSync "
                "and DynamoDB, then the error log in ApiLogs."
            ),
        ).add_alarm_action(notify)

        CfnOutput(self, "GraphqlUrl", value=api.graphql_url)
        CfnOutput(self, "ApiId", value=api.api_id)
        CfnOutput(self, "TableName", value=customers.table_name)

        Validations.of(alarm_topic).acknowledge(
            Acknowledgment(
                id="AwsSolutions-SNS2",
                reason=(
                    "CloudWatch alarms cannot publish to a topic encrypted with the AWS managed key alias/aws/sns, "
                    "a customer managed key costs $1 a month, and alarm notifications carry only alarm names and states."
                ),
            )
        )
        Validations.of(loyalty_calculator).acknowledge(
            *(
                Acknowledgment(
                    id=rule,
                    reason="python3.13 is the one Python runtime every app of this catalog is built and tested on; move to a newer one deliberately, with its tests.",
                )
                for rule in ("AwsSolutions-L1", "Serverless-LambdaLatestVersion")
            ),
            Acknowledgment(
                id="Serverless-LambdaDLQ",
                reason="AppSync invokes the function synchronously and turns its errors into GraphQL errors; a DLQ only serves async invokes.",
            ),
        )
        Validations.of(loyalty_role).acknowledge(
            Acknowledgment(
                id="AwsSolutions-IAM5[Resource::*]",
                reason="X-Ray trace segments cannot be scoped to a resource; this is the only wildcard.",
            )
        )
