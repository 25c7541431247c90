import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { hotel } from './services';
import { createServiceHandler, dynamoBookingStore } from './travel-service';

export const handler = createServiceHandler(hotel, dynamoBookingStore(new DynamoDBClient({}), process.env.BOOKINGS_TABLE_NAME ?? ''));
