import * as path from 'node:path';
import type { Duration} from 'aws-cdk-lib';
import { RemovalPolicy } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

export type StreamConsumerProps = {
  /** File name under lambda/, without the extension. */
  entry: string;
  description: string;
  timeout: Duration;
  environment: Record<string, string>;
};

/**
 * A stream-consuming function with its own role and its own log group. The role starts empty
 * (no AWS managed policy, whose log rights reach every log group in the account); the stack
 * grants each function exactly what it touches.
 */
export class StreamConsumer extends Construct {
  readonly fn: NodejsFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: StreamConsumerProps) {
    super(scope, id);
    this.logGroup = new LogGroup(this, 'Logs', { retention: RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
    this.role = new Role(this, 'Role', { assumedBy: new ServicePrincipal('lambda.amazonaws.com'), description: props.description });
    this.logGroup.grantWrite(this.role);
    this.fn = new NodejsFunction(this, 'Function', {
      role: this.role,
      description: props.description,
      entry: path.join(__dirname, '..', 'lambda', `${props.entry}.ts`),
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: 256,
      timeout: props.timeout,
      tracing: Tracing.ACTIVE,
      loggingFormat: LoggingFormat.JSON,
      logGroup: this.logGroup,
      environment: props.environment,
      // Powertools is bundled; the SDK v3 client comes with the Node.js 24 runtime.
      bundling: { minify: true, sourceMap: true },
    });
  }
}
