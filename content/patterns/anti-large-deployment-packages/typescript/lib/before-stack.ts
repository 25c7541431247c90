import * as path from 'node:path';
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { getProductOptions, productsApi, productsTable } from './product-api';
import { zipTheFolder } from './zip-the-folder';

const LAMBDA = path.join(__dirname, '..', 'lambda');

/**
 * THE ANTI-PATTERN, never deployed by default. The same product lookup as LeanPackageStack,
 * but the function's code is the lambda folder compiled file by file and zipped with every
 * package `npm ci` installed: a second copy of the AWS SDK the runtime already has, the
 * TypeScript compiler and type definitions, unminified code with inline source maps.
 */
export class LargePackageStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const products = productsTable(this);
    const getProduct = new LambdaFunction(this, 'GetProduct', {
      ...getProductOptions(this, products),
      runtime: Runtime.NODEJS_24_X,
      handler: 'get-product.handler',
      // "It works on my machine, ship the folder": about 30 MiB unzipped for a 40-line handler.
      code: Code.fromAsset(LAMBDA, zipTheFolder(path.join(LAMBDA, 'get-product.ts'))),
    });
    const api = productsApi(this, getProduct);

    new CfnOutput(this, 'ApiUrl', { value: api.apiEndpoint, description: 'GET /products/{productId} under this URL.' });
    new CfnOutput(this, 'TableName', { value: products.tableName });
  }
}
