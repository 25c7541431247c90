import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { car } from './services';
import { createServiceHandler, dynamoBookingStore } from './travel-service';

export const handler = createServiceHandler(car, dynamoBookingStore(new DynamoDBClient({}), process.env.BOOKINGS_TABLE_NAME ?? ''));
