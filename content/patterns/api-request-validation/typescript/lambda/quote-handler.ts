import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';

/** What each room sleeps and costs a night, in US dollars. */
export const ROOMS = {
  single: { sleeps: 1, nightlyRate: 90 },
  double: { sleeps: 2, nightlyRate: 130 },
  suite: { sleeps: 4, nightlyRate: 240 },
} as const;
export type RoomType = keyof typeof ROOMS;

/** Longest stay that can be quoted. */
export const MAX_NIGHTS = 14;

export type QuoteRequest = {
  guestEmail: string;
  roomType: RoomType;
  checkIn: string;
  checkOut: string;
  guests: number;
  notes?: string;
};

const DAY_MS = 86_400_000;

function isRoomType(value: unknown): value is RoomType {
  return typeof value === 'string' && Object.hasOwn(ROOMS, value);
}

/** Days since the epoch for a real calendar date (UTC), or undefined for 2027-02-30 and friends. */
export function calendarDay(text: string): number | undefined {
  const match = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/.exec(text);
  if (!match) return undefined;
  const [year, month, day] = match.slice(1).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  return date.getTime() / DAY_MS;
}

/**
 * Defence in depth: API Gateway has already checked the body against the model, but the function
 * can be reached without it (a new method added without a validator, a test invoke, a direct
 * Lambda call). This checks only the shape the code below relies on, not the whole schema.
 */
export function looksLikeQuoteRequest(value: unknown): value is QuoteRequest {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.guestEmail === 'string' &&
    isRoomType(v.roomType) &&
    typeof v.checkIn === 'string' &&
    typeof v.checkOut === 'string' &&
    Number.isInteger(v.guests) &&
    (v.notes === undefined || typeof v.notes === 'string')
  );
}

/**
 * The business rules JSON Schema draft 4 cannot express: a date that only looks like a date,
 * two fields compared with each other, arithmetic across fields, and anything that depends on today.
 */
export function businessRuleProblems(request: QuoteRequest, today: Date): string[] {
  const problems: string[] = [];
  const checkIn = calendarDay(request.checkIn);
  const checkOut = calendarDay(request.checkOut);
  if (checkIn === undefined) problems.push(`checkIn ${request.checkIn} is not a calendar date.`);
  if (checkOut === undefined) problems.push(`checkOut ${request.checkOut} is not a calendar date.`);
  if (checkIn !== undefined && checkOut !== undefined) {
    if (checkIn < Math.floor(today.getTime() / DAY_MS)) problems.push('checkIn is in the past.');
    const nights = checkOut - checkIn;
    if (nights < 1) problems.push('checkOut must be at least one day after checkIn.');
    else if (nights > MAX_NIGHTS) problems.push(`A stay may last at most ${MAX_NIGHTS} nights; this one lasts ${nights}.`);
  }
  const { sleeps } = ROOMS[request.roomType];
  if (request.guests > sleeps) problems.push(`A ${request.roomType} room sleeps at most ${sleeps} ${sleeps === 1 ? 'guest' : 'guests'}.`);
  return problems;
}

function json(statusCode: number, body: unknown): APIGatewayProxyResult {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

function priced(roomType: RoomType, nights: number) {
  const { nightlyRate } = ROOMS[roomType];
  return { nightlyRate, total: nightlyRate * nights, currency: 'USD' };
}

function postQuote(body: string | null, today: Date): APIGatewayProxyResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body ?? '');
  } catch {
    return json(400, { message: 'The request body is not JSON.' });
  }
  if (!looksLikeQuoteRequest(parsed)) return json(400, { message: 'The request body does not match the QuoteRequest model.' });
  const problems = businessRuleProblems(parsed, today);
  if (problems.length > 0) {
    // Log what was wrong, never the guest's address.
    console.warn(JSON.stringify({ level: 'WARN', message: 'quote refused', problems }));
    return json(422, { message: 'The request is well formed but cannot be quoted.', problems });
  }
  const { roomType, checkIn, checkOut, guests } = parsed;
  const nights = (calendarDay(checkOut) as number) - (calendarDay(checkIn) as number);
  return json(200, { roomType, checkIn, checkOut, nights, guests, ...priced(roomType, nights) });
}

function getRates(query: APIGatewayProxyEvent['queryStringParameters']): APIGatewayProxyResult {
  // API Gateway made sure both parameters are present and not blank; their types are ours to check.
  const roomType = query?.roomType;
  const nightsText = query?.nights ?? '';
  const nights = /^[0-9]{1,2}$/.test(nightsText) ? Number(nightsText) : Number.NaN;
  const problems: string[] = [];
  if (!isRoomType(roomType)) problems.push(`roomType must be one of ${Object.keys(ROOMS).join(', ')}.`);
  if (!(nights >= 1 && nights <= MAX_NIGHTS)) problems.push(`nights must be a whole number from 1 to ${MAX_NIGHTS}.`);
  if (!isRoomType(roomType) || problems.length > 0) return json(400, { message: 'The query string is not valid.', problems });
  return json(200, { roomType, nights, ...priced(roomType, nights) });
}

export function createHandler(now: () => Date) {
  return async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    const route = `${event.httpMethod} ${event.resource}`;
    if (route === 'POST /quotes') return postQuote(event.body, now());
    if (route === 'GET /rates') return getRates(event.queryStringParameters);
    return json(404, { message: `No route for ${route}.` });
  };
}

export const handler = createHandler(() => new Date());
