/** One temperature reading, as devices put it on the stream (JSON, UTF-8). */
export type Reading = {
  deviceId: string;
  /** Degrees Celsius. */
  temperature: number;
  /** When the device took the reading: the event time, UTC, ISO 8601 with a Z. */
  readAt: string;
  /** readAt as epoch milliseconds, for comparisons and window arithmetic. */
  readAtMs: number;
};

/** A record that can never be processed, however often it is retried. */
export class InvalidReading extends Error {
  override name = 'InvalidReading';
}

export const DEVICE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
// UTC only, so both languages parse it to the same instant and the same minute.
const READ_AT_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;
/** Plausible sensor range; anything outside is a broken sensor or a broken producer. */
export const TEMPERATURE_RANGE = { min: -90, max: 150 } as const;

/** Decodes a record's base64 data and checks every field; throws InvalidReading otherwise. */
export function parseReading(base64Data: string): Reading {
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(base64Data, 'base64').toString('utf8'));
  } catch {
    throw new InvalidReading('data is not JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new InvalidReading('data is not a JSON object');
  const { deviceId, temperature, readAt } = body as Record<string, unknown>;
  if (typeof deviceId !== 'string' || !DEVICE_ID_PATTERN.test(deviceId)) throw new InvalidReading('deviceId is missing or malformed');
  if (typeof temperature !== 'number' || !Number.isFinite(temperature)) throw new InvalidReading('temperature is not a number');
  if (temperature < TEMPERATURE_RANGE.min || temperature > TEMPERATURE_RANGE.max) throw new InvalidReading(`temperature ${temperature} is out of range`);
  if (typeof readAt !== 'string' || !READ_AT_PATTERN.test(readAt)) throw new InvalidReading('readAt is not a UTC ISO 8601 timestamp');
  const readAtMs = Date.parse(readAt);
  // Date.parse rolls 30 February over into March; a date that does not round-trip is refused.
  if (Number.isNaN(readAtMs) || new Date(readAtMs).toISOString().slice(0, 19) !== readAt.slice(0, 19)) {
    throw new InvalidReading('readAt is not a real date');
  }
  return { deviceId, temperature, readAt, readAtMs };
}
