"""The QuoteRequest model API Gateway validates POST /quotes bodies against."""

from aws_cdk import aws_apigateway as apigw

# Room types, in the order the function prices them.
ROOM_TYPES = ["single", "double", "suite"]

# A calendar-shaped date. The pattern cannot tell 2027-02-30 from a real day, so the function checks that.
ISO_DATE = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"

# The body of POST /quotes, in JSON Schema draft 4 (the only draft API Gateway models speak).
# Everything here is checked by API Gateway before the function runs; rules that compare two
# fields or need today's date cannot be written in draft 4 and live in the handler instead.
QUOTE_REQUEST_SCHEMA = apigw.JsonSchema(
    schema=apigw.JsonSchemaVersion.DRAFT4,
    title="QuoteRequest",
    type=apigw.JsonSchemaType.OBJECT,
    # Unknown fields are refused, so a typo such as "guest" for "guests" is a 400, not silently ignored.
    additional_properties=False,
    required=["guestEmail", "roomType", "checkIn", "checkOut", "guests"],
    properties={
        # draft 4 leaves "format" optional for validators, so the address shape is a pattern instead.
        "guestEmail": apigw.JsonSchema(type=apigw.JsonSchemaType.STRING, max_length=254, pattern="^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$"),
        "roomType": apigw.JsonSchema(type=apigw.JsonSchemaType.STRING, enum=list(ROOM_TYPES)),
        "checkIn": apigw.JsonSchema(type=apigw.JsonSchemaType.STRING, pattern=ISO_DATE),
        "checkOut": apigw.JsonSchema(type=apigw.JsonSchemaType.STRING, pattern=ISO_DATE),
        "guests": apigw.JsonSchema(type=apigw.JsonSchemaType.INTEGER, minimum=1, maximum=4),
        # Bounded so the largest valid body stays small whatever a client sends.
        "notes": apigw.JsonSchema(type=apigw.JsonSchemaType.STRING, max_length=500),
    },
)

# Query strings GET /rates cannot do without. API Gateway checks only that each is present and not blank.
RATES_QUERY_PARAMETERS = ["roomType", "nights"]
