import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import Ajv from 'ajv-draft-04';
import type { ValidateFunction } from 'ajv';
import { ROOMS } from '../lambda/quote-handler';
import { quoteRequestSchemaFromTemplate, synth } from './synth';

// A request API Gateway lets through, used as the base for every bad one below.
const GOOD = { guestEmail: 'ada@example.com', roomType: 'double', checkIn: '2027-03-01', checkOut: '2027-03-04', guests: 2 };

describe('QuoteRequest model, as deployed', () => {
  let schema: Record<string, unknown>;
  let validate: ValidateFunction;

  before(() => {
    schema = quoteRequestSchemaFromTemplate(synth().template);
    // Draft 4, like API Gateway; allErrors so a failure message names every broken field.
    validate = new Ajv({ allErrors: true }).compile(schema);
  });

  test('is a draft-04 schema', () => {
    assert.equal(schema.$schema, 'http://json-schema.org/draft-04/schema#');
  });

  test('accepts a complete request, with or without notes', () => {
    for (const body of [GOOD, { ...GOOD, notes: 'Late arrival, around 23:00.' }, { ...GOOD, roomType: 'suite', guests: 4 }]) {
      assert.equal(validate(body), true, JSON.stringify(validate.errors));
    }
  });

  test('rejects a request missing any required field', () => {
    for (const field of ['guestEmail', 'roomType', 'checkIn', 'checkOut', 'guests']) {
      const { [field as keyof typeof GOOD]: _dropped, ...body } = GOOD;
      assert.equal(validate(body), false, `accepted a body without ${field}`);
      assert.deepEqual(validate.errors?.map((e) => [e.keyword, e.params]), [['required', { missingProperty: field }]]);
    }
  });

  test('rejects wrong types: guests as a string or a fraction, a body that is not an object', () => {
    for (const body of [{ ...GOOD, guests: '2' }, { ...GOOD, guests: 2.5 }, [GOOD], 'ada@example.com', null]) {
      assert.equal(validate(body), false, `accepted ${JSON.stringify(body)}`);
    }
  });

  test('rejects values out of range: no guests, five guests, an unknown room type', () => {
    for (const body of [{ ...GOOD, guests: 0 }, { ...GOOD, guests: 5 }, { ...GOOD, roomType: 'penthouse' }]) {
      assert.equal(validate(body), false, `accepted ${JSON.stringify(body)}`);
    }
  });

  test('rejects dates not written as YYYY-MM-DD and addresses without an @ and a domain', () => {
    for (const body of [
      { ...GOOD, checkIn: '01/03/2027' },
      { ...GOOD, checkOut: '2027-3-4' },
      { ...GOOD, guestEmail: 'ada.example.com' },
      { ...GOOD, guestEmail: 'ada@example' },
      { ...GOOD, guestEmail: `${'a'.repeat(250)}@example.com` },
    ]) {
      assert.equal(validate(body), false, `accepted ${JSON.stringify(body)}`);
    }
  });

  test('rejects unknown fields, so a misspelt field is an error rather than ignored', () => {
    assert.equal(validate({ ...GOOD, guest: 3 }), false);
    assert.deepEqual(validate.errors?.map((e) => e.keyword), ['additionalProperties']);
  });

  test('rejects notes longer than 500 characters', () => {
    assert.equal(validate({ ...GOOD, notes: 'x'.repeat(500) }), true);
    assert.equal(validate({ ...GOOD, notes: 'x'.repeat(501) }), false);
  });

  test('lets through what only the function can refuse: impossible dates, reversed dates, too many guests for the room', () => {
    // Each of these is valid draft-04 input; the handler tests prove the function turns them away.
    for (const body of [
      { ...GOOD, checkIn: '2027-02-30', checkOut: '2027-03-02' },
      { ...GOOD, checkIn: '2027-03-04', checkOut: '2027-03-01' },
      { ...GOOD, checkOut: '2027-04-30' },
      { ...GOOD, roomType: 'single', guests: 2 },
    ]) {
      assert.equal(validate(body), true, JSON.stringify(validate.errors));
    }
  });

  test('offers exactly the room types the function prices', () => {
    const properties = schema.properties as Record<string, { enum?: string[] }>;
    assert.deepEqual(properties.roomType.enum, Object.keys(ROOMS));
  });
});
