// POST /customers: this function can write customers and do nothing else.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type HttpHandler, http, readJson } from './http';
import { type Documents, createCustomer } from './shop';

export const createHandler = (documents: Documents, table: string): HttpHandler => http((event) => createCustomer(documents, table, readJson(event)));

export const handler = createHandler(DynamoDBDocumentClient.from(new DynamoDBClient({})), process.env.CUSTOMERS_TABLE_NAME ?? '');
