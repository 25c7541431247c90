// GET /customers/{customerId}: this function can read one customer and do nothing else.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type HttpHandler, http } from './http';
import { type Documents, getCustomer } from './shop';

// API Gateway matched the route and extracted the id: no routing code here.
export const createHandler = (documents: Documents, table: string): HttpHandler => http((event) => getCustomer(documents, table, event.pathParameters?.customerId));

export const handler = createHandler(DynamoDBDocumentClient.from(new DynamoDBClient({})), process.env.CUSTOMERS_TABLE_NAME ?? '');
