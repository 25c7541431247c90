// POST /customers/{customerId}/orders: may check that a customer exists and write orders, nothing more.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type HttpHandler, http, readJson } from './http';
import { type Documents, placeOrder } from './shop';

export const createHandler = (documents: Documents, tables: { customers: string; orders: string }): HttpHandler =>
  http((event) => placeOrder(documents, tables, event.pathParameters?.customerId, readJson(event)));

export const handler = createHandler(DynamoDBDocumentClient.from(new DynamoDBClient({})), {
  customers: process.env.CUSTOMERS_TABLE_NAME ?? '',
  orders: process.env.ORDERS_TABLE_NAME ?? '',
});
