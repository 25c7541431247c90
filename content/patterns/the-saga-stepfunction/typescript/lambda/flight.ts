import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { flight } from './services';
import { createServiceHandler, dynamoBookingStore } from './travel-service';

export const handler = createServiceHandler(flight, dynamoBookingStore(new DynamoDBClient({}), process.env.BOOKINGS_TABLE_NAME ?? ''));
