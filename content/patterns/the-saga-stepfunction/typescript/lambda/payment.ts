import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { payment } from './services';
import { createServiceHandler, dynamoBookingStore } from './travel-service';

export const handler = createServiceHandler(payment, dynamoBookingStore(new DynamoDBClient({}), process.env.BOOKINGS_TABLE_NAME ?? ''));
