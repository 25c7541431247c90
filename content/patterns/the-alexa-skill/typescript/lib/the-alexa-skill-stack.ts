import * as path from 'node:path';
import { CfnOutput, CfnParameter, Duration, RemovalPolicy, SecretValue, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { CfnSkill } from 'aws-cdk-lib/alexa-ask';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { AttributeType, Billing, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Asset } from 'aws-cdk-lib/aws-s3-assets';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { AwsCustomResource, PhysicalResourceId } from 'aws-cdk-lib/custom-resources';
import type { Construct } from 'constructs';

export const ALEXA_PRINCIPAL = 'alexa-appkit.amazon.com';
/** The temporary statement that lets the skill pass Alexa's endpoint check while it is created. */
export const CREATION_STATEMENT_ID = 'AllowAlexaDuringSkillCreation';
/** Name of the Secrets Manager secret holding clientId, clientSecret and refreshToken (one-off setup). */
export const DEFAULT_LWA_SECRET_NAME = 'the-alexa-skill/lwa';
const AWS_CUSTOM_RESOURCE_PROVIDER_ID = 'AWS679f53fac002430cb0da5b7982bd2287';

export class TheAlexaSkillStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    // A parameter rather than context: synth works without it, deploy refuses to start without it.
    const vendorId = new CfnParameter(this, 'VendorId', {
      type: 'String',
      description: 'Your Amazon developer vendor id (developer.amazon.com/settings/console/mycid).',
      allowedPattern: '^[A-Z0-9]+$',
    });
    const lwaSecretName: string = this.node.tryGetContext('lwaSecretName') ?? DEFAULT_LWA_SECRET_NAME;
    const lwa = (field: string) => SecretValue.secretsManager(lwaSecretName, { jsonField: field });

    const tallies = new TableV2(this, 'Tallies', {
      partitionKey: { name: 'userId', type: AttributeType.STRING },
      sortKey: { name: 'sk', type: AttributeType.STRING },
      billing: Billing.onDemand(),
      timeToLiveAttribute: 'expiresAt',
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: RemovalPolicy.DESTROY,
    });

    const handlerLogs = new LogGroup(this, 'SkillHandlerLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const handlerRole = new Role(this, 'SkillHandlerRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'Cup Counter skill: read and update tallies, write its own logs.',
    });
    handlerLogs.grantWrite(handlerRole);
    const skillHandler = new NodejsFunction(this, 'SkillHandler', {
      role: handlerRole,
      description: 'Answers Alexa requests for the Cup Counter skill.',
      entry: path.join(__dirname, '..', 'lambda', 'cup-counter.ts'),
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: 256,
      // Alexa waits about eight seconds for a skill; fail well before that.
      timeout: Duration.seconds(5),
      tracing: Tracing.ACTIVE,
      loggingFormat: LoggingFormat.JSON,
      logGroup: handlerLogs,
      environment: { TALLIES_TABLE_NAME: tallies.tableName },
      bundling: { minify: true, sourceMap: true },
    });
    tallies.grant(skillHandler, 'dynamodb:GetItem', 'dynamodb:UpdateItem');

    // The skill package (manifest + interaction model) is zipped and uploaded as a CDK asset;
    // Alexa fetches it with a role of its own that can read only that object.
    const packageReader = new Role(this, 'SkillPackageReader', {
      assumedBy: new ServicePrincipal(ALEXA_PRINCIPAL),
      description: 'Lets Alexa read the Cup Counter skill package asset.',
    });
    const skillPackage = new Asset(this, 'SkillPackage', { path: path.join(__dirname, '..', 'skill-package') });
    // Not skillPackage.grantRead(): that would cover every asset in the bootstrap bucket.
    packageReader.addToPolicy(
      new PolicyStatement({
        actions: ['s3:GetObject'],
        resources: [`arn:${this.partition}:s3:::${skillPackage.s3BucketName}/${skillPackage.s3ObjectKey}`],
      }),
    );

    // Chicken and egg: Alexa refuses to create a skill whose Lambda endpoint does not already
    // allow alexa-appkit to invoke it, but the permission that should limit invocation to this
    // skill needs the skill id, which exists only afterwards. So an unrestricted statement is
    // added just for the creation, the skill-scoped permission follows, and the unrestricted
    // statement is removed again, all in one deployment.
    const swapLogs = new LogGroup(this, 'PermissionSwapLogs', {
      retention: RetentionDays.ONE_WEEK,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const swapRole = new Role(this, 'PermissionSwapRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'Adds and removes the temporary Alexa statement on the skill handler, nothing else.',
    });
    swapRole.addToPolicy(
      new PolicyStatement({ actions: ['lambda:AddPermission', 'lambda:RemovePermission'], resources: [skillHandler.functionArn] }),
    );
    swapLogs.grantWrite(swapRole);
    const removeCreationStatement = {
      service: 'Lambda',
      action: 'removePermission',
      parameters: { FunctionName: skillHandler.functionArn, StatementId: CREATION_STATEMENT_ID },
      ignoreErrorCodesMatching: 'ResourceNotFoundException',
      physicalResourceId: PhysicalResourceId.of(CREATION_STATEMENT_ID),
    };
    const swapOptions = { role: swapRole, logGroup: swapLogs, installLatestAwsSdk: false, memorySize: 256, timeout: Duration.seconds(30) };

    const openForCreation = new AwsCustomResource(this, 'OpenForSkillCreation', {
      ...swapOptions,
      onCreate: {
        service: 'Lambda',
        action: 'addPermission',
        parameters: {
          FunctionName: skillHandler.functionArn,
          StatementId: CREATION_STATEMENT_ID,
          Action: 'lambda:InvokeFunction',
          Principal: ALEXA_PRINCIPAL,
        },
        physicalResourceId: PhysicalResourceId.of(CREATION_STATEMENT_ID),
      },
      onDelete: removeCreationStatement,
    });

    const skill = new CfnSkill(this, 'Skill', {
      vendorId: vendorId.valueAsString,
      authenticationConfiguration: {
        clientId: lwa('clientId').unsafeUnwrap(),
        // Dynamic references: CloudFormation resolves them at deploy time, the template holds no secret.
        clientSecret: lwa('clientSecret').unsafeUnwrap(),
        refreshToken: lwa('refreshToken').unsafeUnwrap(),
      },
      skillPackage: {
        s3Bucket: skillPackage.s3BucketName,
        s3Key: skillPackage.s3ObjectKey,
        s3BucketRole: packageReader.roleArn,
        overrides: { manifest: { apis: { custom: { endpoint: { uri: skillHandler.functionArn } } } } },
      },
    });
    skill.node.addDependency(openForCreation, packageReader);

    // The lasting permission: only this skill's requests may invoke the handler.
    skillHandler.addPermission('AlexaSkillInvoke', {
      principal: new ServicePrincipal(ALEXA_PRINCIPAL),
      action: 'lambda:InvokeFunction',
      eventSourceToken: skill.ref,
    });
    const skillOnly = skillHandler.permissionsNode.findChild('AlexaSkillInvoke');

    const closeAfterCreation = new AwsCustomResource(this, 'CloseAfterSkillCreation', {
      ...swapOptions,
      onCreate: removeCreationStatement,
    });
    closeAfterCreation.node.addDependency(skill, skillOnly);

    // Operations plumbing: one topic that every alarm of the stack notifies.
    const alarmTopic = new Topic(this, 'AlarmTopic', { enforceSSL: true, displayName: 'Cup Counter skill alarms' });
    const alarmEmail: unknown = this.node.tryGetContext('alarmEmail');
    if (typeof alarmEmail === 'string' && alarmEmail !== '') {
      Validations.of(alarmTopic.addSubscription(new EmailSubscription(alarmEmail))).acknowledge({
        id: 'Serverless-SNSRedrivePolicy',
        reason: 'An e-mail copy of an alarm notification; a lost e-mail still leaves the alarm in ALARM state in the CloudWatch console.',
      });
    }
    // A crash or a timeout makes Alexa tell the user there was a problem with the skill.
    new Alarm(this, 'SkillHandlerErrorsAlarm', {
      metric: skillHandler.metricErrors({ statistic: 'Sum', period: Duration.minutes(5) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription:
        'SkillHandler crashed or timed out, so Alexa told the user the skill has a problem. Find the request in SkillHandlerLogs; a timeout after 5 seconds usually means DynamoDB was slow.',
    }).addAlarmAction(new SnsAction(alarmTopic));

    new CfnOutput(this, 'SkillId', { value: skill.ref, description: 'Open it in the Alexa developer console to test.' });
    new CfnOutput(this, 'TableName', { value: tallies.tableName });
    new CfnOutput(this, 'FunctionName', { value: skillHandler.functionName });

    Validations.of(alarmTopic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'CloudWatch alarms cannot publish to a topic encrypted with the AWS managed key alias/aws/sns, a customer managed key costs $1 a month, and alarm notifications carry only alarm names and states.',
    });
    Validations.of(handlerRole).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'X-Ray trace segments cannot be scoped to a resource; this is the only wildcard.',
    });
    Validations.of(skillHandler).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason: 'Alexa invokes the function synchronously and speaks its error answer; a DLQ only applies to async invokes.',
    });
    // CDK creates one provider function for all AwsCustomResources in a stack, under this fixed id.
    const swapProvider = this.node.findChild(AWS_CUSTOM_RESOURCE_PROVIDER_ID);
    Validations.of(swapProvider).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason: 'CloudFormation waits for the custom resource to answer; a failed call fails the deployment instead of queueing.',
    });
    Validations.of(swapProvider).acknowledge({
      id: 'Serverless-LambdaTracing',
      reason: 'CDK does not expose tracing on the AwsCustomResource provider; it runs twice per stack lifetime.',
    });
  }
}
