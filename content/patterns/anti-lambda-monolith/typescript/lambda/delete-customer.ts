// DELETE /customers/{customerId}: the only function in the stack that may delete a customer.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type HttpHandler, http } from './http';
import { type Documents, deleteCustomer } from './shop';

export const createHandler = (documents: Documents, table: string): HttpHandler => http((event) => deleteCustomer(documents, table, event.pathParameters?.customerId));

export const handler = createHandler(DynamoDBDocumentClient.from(new DynamoDBClient({})), process.env.CUSTOMERS_TABLE_NAME ?? '');
