import { type JsonSchema, JsonSchemaType, JsonSchemaVersion } from 'aws-cdk-lib/aws-apigateway';

/** Room types and the most guests each one sleeps; the function owns the second half of that rule. */
export const ROOM_TYPES = ['single', 'double', 'suite'] as const;

// A calendar-shaped date. The pattern cannot tell 2027-02-30 from a real day, so the function checks that.
const ISO_DATE = '^[0-9]{4}-[0-9]{2}-[0-9]{2}$';

/**
 * The body of POST /quotes, in JSON Schema draft 4 (the only draft API Gateway models speak).
 * Everything here is checked by API Gateway before the function runs; rules that compare two
 * fields or need today's date cannot be written in draft 4 and live in the handler instead.
 */
export const QUOTE_REQUEST_SCHEMA: JsonSchema = {
  schema: JsonSchemaVersion.DRAFT4,
  title: 'QuoteRequest',
  type: JsonSchemaType.OBJECT,
  // Unknown fields are refused, so a typo such as "guest" for "guests" is a 400, not silently ignored.
  additionalProperties: false,
  required: ['guestEmail', 'roomType', 'checkIn', 'checkOut', 'guests'],
  properties: {
    // draft 4 leaves "format" optional for validators, so the address shape is a pattern instead.
    guestEmail: { type: JsonSchemaType.STRING, maxLength: 254, pattern: '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$' },
    roomType: { type: JsonSchemaType.STRING, enum: [...ROOM_TYPES] },
    checkIn: { type: JsonSchemaType.STRING, pattern: ISO_DATE },
    checkOut: { type: JsonSchemaType.STRING, pattern: ISO_DATE },
    guests: { type: JsonSchemaType.INTEGER, minimum: 1, maximum: 4 },
    // Bounded so the largest valid body stays small whatever a client sends.
    notes: { type: JsonSchemaType.STRING, maxLength: 500 },
  },
};

/** Query strings GET /rates cannot do without. API Gateway checks only that each is present and not blank. */
export const RATES_QUERY_PARAMETERS = ['roomType', 'nights'] as const;
