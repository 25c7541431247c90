import { Template } from 'aws-cdk-lib/assertions';
import { ApiRequestValidationStack } from '../lib/api-request-validation-stack';
import { appFromCdkJson } from './cdk-app';

/** The stack as `cdk deploy` would synthesize it, and its template. */
export function synth(context: Record<string, unknown> = {}, id = 'Under-Test') {
  const stack = new ApiRequestValidationStack(appFromCdkJson(context), id);
  return { stack, template: Template.fromStack(stack) };
}

/** The JSON schema of the one API Gateway model in the template: exactly what API Gateway validates against. */
export function quoteRequestSchemaFromTemplate(template: Template): Record<string, unknown> {
  const models = Object.values(template.findResources('AWS::ApiGateway::Model'));
  if (models.length !== 1) throw new Error(`expected one model, found ${models.length}`);
  return models[0].Properties.Schema as Record<string, unknown>;
}
