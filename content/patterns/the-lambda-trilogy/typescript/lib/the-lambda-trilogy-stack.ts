import { CfnOutput, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { LambdaIntegration, LambdaRestApi, RestApi } from 'aws-cdk-lib/aws-apigateway';
import type { Construct } from 'constructs';
import { OPERATIONS, type Operation } from '../lambda/calculator';
import {
  acknowledgeDemoApiFindings,
  calculatorApiProps,
  calculatorFunction,
  operandsValidator,
  REQUIRED_OPERANDS,
  serverErrorAlarm,
} from './calculator-parts';

// The three stacks of the trilogy, one after the other so they read side by side.
// What they share is built in calculator-parts.ts; what differs is only in this file.

const FUNCTION_IDS: Record<Operation, string> = {
  add: 'AddFunction',
  subtract: 'SubtractFunction',
  multiply: 'MultiplyFunction',
};

/** One route, one function, one role: API Gateway does all the routing. */
export class TheSinglePurposeFunctionStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const api = new RestApi(
      this,
      'SinglePurposeApi',
      calculatorApiProps(this, 'SinglePurposeApi', 'Calculator with one Lambda function per route.'),
    );
    const validator = operandsValidator(api);

    for (const operation of OPERATIONS) {
      const fn = calculatorFunction(this, FUNCTION_IDS[operation], `${operation}.ts`, `Single-purpose: ${operation} only.`);
      api.root.addResource(operation).addMethod('GET', new LambdaIntegration(fn), {
        requestValidator: validator,
        requestParameters: REQUIRED_OPERANDS,
      });
    }
    acknowledgeDemoApiFindings(api);
    serverErrorAlarm(this, api);

    new CfnOutput(this, 'ApiUrl', { value: api.url, description: 'Append add, subtract or multiply and ?a=&b=.' });
  }
}

/** API Gateway still knows every route, but all of them land on one function that dispatches. */
export class TheFatLambdaStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const fatLambda = calculatorFunction(this, 'FatLambda', 'fat-lambda.ts', 'Fat Lambda: every calculator route, dispatched in code.');
    Validations.of(fatLambda).acknowledge({
      id: 'AntiPattern-LambdaMonolith',
      reason: 'The Fat Lambda is one of the three shapes this page compares on purpose; the anti-lambda-monolith page explains when one dispatching function stops paying off.',
    });

    const api = new RestApi(
      this,
      'FatLambdaApi',
      calculatorApiProps(this, 'FatLambdaApi', 'Calculator whose routes all invoke one dispatching function.'),
    );
    const validator = operandsValidator(api);
    const integration = new LambdaIntegration(fatLambda);
    for (const operation of OPERATIONS) {
      api.root.addResource(operation).addMethod('GET', integration, {
        requestValidator: validator,
        requestParameters: REQUIRED_OPERANDS,
      });
    }
    acknowledgeDemoApiFindings(api);
    serverErrorAlarm(this, api);

    new CfnOutput(this, 'ApiUrl', { value: api.url, description: 'Append add, subtract or multiply and ?a=&b=.' });
  }
}

/** API Gateway forwards everything; an Express app inside the function does the routing. */
export class TheLambdaLithStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const lambdaLith = calculatorFunction(this, 'LambdaLith', 'lambda-lith.ts', 'Lambda-lith: an Express 5 app serving every route.');

    // proxy: true gives ANY / and ANY /{proxy+}; API Gateway never learns the real routes.
    const api = new LambdaRestApi(this, 'LambdaLithApi', {
      ...calculatorApiProps(this, 'LambdaLithApi', 'Calculator served by one Express app behind a greedy proxy route.'),
      handler: lambdaLith,
      proxy: true,
    });
    acknowledgeDemoApiFindings(api);
    serverErrorAlarm(this, api);
    Validations.of(api).acknowledge({
      id: 'AwsSolutions-APIG2',
      reason: 'A greedy proxy route has no per-route parameters to validate; the Express app validates operands and answers 400.',
    });

    new CfnOutput(this, 'ApiUrl', { value: api.url, description: 'Append add, subtract or multiply and ?a=&b=.' });
  }
}
