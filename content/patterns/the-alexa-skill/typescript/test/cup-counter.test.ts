import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { RequestEnvelope, Slot } from '../lambda/alexa';
import { createHandler, describeTally, type Drink, dynamoTallyStore, goalProgress, KEEP_DAYS, resolveDay, type Tally, type TallyStore } from '../lambda/cup-counter';

process.env.AWS_REGION ??= 'us-east-1';
const TODAY = '2026-11-22';
const USER = 'amzn1.ask.account.TESTUSER';

/** An in-memory store that records what the skill asked it to do. */
function memoryStore(initial: { tallies?: Record<string, Partial<Tally>>; goal?: number } = {}) {
  const tallies = new Map(Object.entries(initial.tallies ?? {}).map(([day, t]) => [day, { water: 0, tea: 0, coffee: 0, ...t }]));
  let goal = initial.goal;
  const adds: { day: string; drink: Drink; cups: number; expiresAt: number }[] = [];
  const store: TallyStore = {
    async add(_user, day, drink, cups, expiresAt) {
      adds.push({ day, drink, cups, expiresAt });
      const tally = { water: 0, tea: 0, coffee: 0, ...tallies.get(day) };
      tally[drink] += cups;
      tallies.set(day, tally);
      return tally;
    },
    async tally(_user, day) {
      return { water: 0, tea: 0, coffee: 0, ...tallies.get(day) };
    },
    async goal() {
      return goal;
    },
    async setGoal(_user, value) {
      goal = value;
    },
  };
  return { store, adds, goal: () => goal };
}

function envelope(request: Record<string, unknown>, sessionNew = true): RequestEnvelope {
  return {
    version: '1.0',
    session: { new: sessionNew, sessionId: 's', application: { applicationId: 'amzn1.ask.skill.test' }, user: { userId: USER } },
    context: { System: { application: { applicationId: 'amzn1.ask.skill.test' }, user: { userId: USER } } },
    request: { requestId: 'r', timestamp: `${TODAY}T19:30:00Z`, locale: 'en-US', ...request } as RequestEnvelope['request'],
  };
}

function intent(name: string, slots: Record<string, Partial<Slot>> = {}, sessionNew = true) {
  const withNames = Object.fromEntries(Object.entries(slots).map(([key, slot]) => [key, { name: key, ...slot }]));
  return envelope({ type: 'IntentRequest', intent: { name, slots: withNames } }, sessionNew);
}

const drinkSlot = (heard: string, id?: string): Partial<Slot> => ({
  value: heard,
  resolutions: {
    resolutionsPerAuthority: [
      id
        ? { authority: 'amzn1.er-authority.echo-sdk.x.DrinkType', status: { code: 'ER_SUCCESS_MATCH' }, values: [{ value: { name: id.toLowerCase(), id } }] }
        : { authority: 'amzn1.er-authority.echo-sdk.x.DrinkType', status: { code: 'ER_SUCCESS_NO_MATCH' } },
    ],
  },
});

const speech = (response: Awaited<ReturnType<ReturnType<typeof createHandler>>>) => response.response.outputSpeech?.text ?? '';

describe('phrasing helpers', () => {
  test('describe a day with correct plurals and a readable list', () => {
    assert.equal(describeTally({ water: 0, tea: 0, coffee: 0 }), undefined);
    assert.equal(describeTally({ water: 1, tea: 0, coffee: 0 }), '1 cup of water');
    assert.equal(describeTally({ water: 3, tea: 1, coffee: 2 }), '3 cups of water, 1 cup of tea and 2 cups of coffee');
  });

  test('report progress towards the water goal', () => {
    assert.equal(goalProgress(3, undefined), '');
    assert.equal(goalProgress(7, 8), ' 1 more cup of water reaches your goal of 8.');
    assert.equal(goalProgress(3, 8), ' 5 more cups of water reach your goal of 8.');
    assert.equal(goalProgress(9, 8), ' That meets your goal of 8 cups of water.');
  });

  test('accept single days from AMAZON.DATE and refuse weeks, months, the future and expired days', () => {
    assert.deepEqual(resolveDay(undefined, TODAY), { day: TODAY });
    assert.deepEqual(resolveDay('PRESENT_REF', TODAY), { day: TODAY });
    assert.deepEqual(resolveDay('2026-11-21', TODAY), { day: '2026-11-21' });
    for (const value of ['2026-W47', '2026-W47-WE', '2026-11', '2026', '202X', '2026-13-45']) {
      assert.ok('problem' in resolveDay(value, TODAY), value);
    }
    assert.deepEqual(resolveDay('2026-11-23', TODAY), { problem: "That day hasn't happened yet." });
    assert.deepEqual(resolveDay('2026-08-24', TODAY), { problem: `I only keep the last ${KEEP_DAYS} days.` });
    assert.deepEqual(resolveDay('2026-08-25', TODAY), { day: '2026-08-25' });
  });
});

describe('Cup Counter request handling', () => {
  test('greets with today so far and keeps the microphone open', async () => {
    const { store } = memoryStore({ tallies: { [TODAY]: { water: 3, tea: 1 } }, goal: 8 });
    const response = await createHandler(store)(envelope({ type: 'LaunchRequest' }));
    assert.equal(
      speech(response),
      'Welcome to Cup Counter. Today so far: 3 cups of water and 1 cup of tea. 5 more cups of water reach your goal of 8. What did you drink?',
    );
    assert.equal(response.response.shouldEndSession, false);
    assert.ok(response.response.reprompt);
  });

  test('logs a resolved synonym under its drink, dated by the request, and ends a one-shot request', async () => {
    const { store, adds } = memoryStore({ goal: 2 });
    const response = await createHandler(store)(intent('LogDrinkIntent', { count: { value: '2' }, drink: drinkSlot('lattes', 'COFFEE') }));
    const expiresAt = Date.parse(TODAY) / 1000 + KEEP_DAYS * 86_400;
    assert.deepEqual(adds, [{ day: TODAY, drink: 'coffee', cups: 2, expiresAt }]);
    assert.equal(speech(response), 'Logged 2 cups of coffee. Today so far: 2 cups of coffee. 2 more cups of water reach your goal of 2.');
    assert.equal(response.response.shouldEndSession, true);
  });

  test('assumes one cup of water when neither slot is filled, and asks for more inside a conversation', async () => {
    const { store, adds } = memoryStore();
    const response = await createHandler(store)(intent('LogDrinkIntent', {}, false));
    assert.deepEqual(adds.map(({ drink, cups }) => [drink, cups]), [['water', 1]]);
    assert.equal(speech(response), 'Logged 1 cup of water. Today so far: 1 cup of water. Anything else to log?');
    assert.equal(response.response.shouldEndSession, false);
  });

  test('asks again, writing nothing, for an unknown drink, an unclear count or too many cups', async () => {
    const { store, adds } = memoryStore();
    const handler = createHandler(store);
    const juice = await handler(intent('LogDrinkIntent', { drink: drinkSlot('orange juice') }));
    assert.match(speech(juice), /only count water, tea and coffee, not orange juice/);
    const unclear = await handler(intent('LogDrinkIntent', { count: { value: '?' }, drink: drinkSlot('tea', 'TEA') }));
    assert.match(speech(unclear), /didn't catch how many/);
    const many = await handler(intent('LogDrinkIntent', { count: { value: '50' } }));
    assert.match(speech(many), /between 1 and 20 cups/);
    for (const response of [juice, unclear, many]) assert.equal(response.response.shouldEndSession, false);
    assert.equal(adds.length, 0);
  });

  test('summarises today, an earlier day and an empty day, with a card', async () => {
    const { store } = memoryStore({ tallies: { [TODAY]: { water: 8 }, '2026-11-21': { tea: 2, coffee: 1 } }, goal: 8 });
    const handler = createHandler(store);
    const today = await handler(intent('GetSummaryIntent'));
    assert.equal(speech(today), 'Today you had 8 cups of water. That meets your goal of 8 cups of water.');
    assert.deepEqual(today.response.card, { type: 'Simple', title: `Cup Counter, ${TODAY}`, content: '8 cups of water' });
    const yesterday = await handler(intent('GetSummaryIntent', { day: { value: '2026-11-21' } }));
    assert.equal(speech(yesterday), 'On Saturday, November 21 you had 2 cups of tea and 1 cup of coffee. 8 more cups of water reach your goal of 8.');
    const empty = await handler(intent('GetSummaryIntent', { day: { value: '2026-11-20' } }));
    assert.equal(speech(empty), 'I have nothing logged for Friday, November 20.');
  });

  test('asks for a single day when given a week', async () => {
    const { store } = memoryStore();
    const response = await createHandler(store)(intent('GetSummaryIntent', { day: { value: '2026-W47' } }));
    assert.match(speech(response), /one tally per day.*Which day\?/);
    assert.equal(response.response.shouldEndSession, false);
  });

  test('stores a goal between 1 and 30 and refuses anything else', async () => {
    const { store, goal } = memoryStore();
    const handler = createHandler(store);
    for (const value of [undefined, '?', '0', '31']) {
      const response = await handler(intent('SetGoalIntent', value === undefined ? {} : { goal: { value } }));
      assert.match(speech(response), /between 1 and 30/);
    }
    assert.equal(goal(), undefined);
    const response = await handler(intent('SetGoalIntent', { goal: { value: '6' } }));
    assert.equal(speech(response), 'Done. Your daily goal is now 6 cups of water.');
    assert.equal(goal(), 6);
  });

  test('answers the built-in intents', async () => {
    const handler = createHandler(memoryStore().store);
    const help = await handler(intent('AMAZON.HelpIntent'));
    assert.match(speech(help), /^Cup Counter keeps a daily tally/);
    assert.equal(help.response.shouldEndSession, false);
    for (const name of ['AMAZON.StopIntent', 'AMAZON.CancelIntent']) {
      const bye = await handler(intent(name));
      assert.equal(speech(bye), 'Cheers. Stay hydrated.');
      assert.equal(bye.response.shouldEndSession, true);
    }
    for (const name of ['AMAZON.FallbackIntent', 'SomeRetiredIntent']) {
      const fallback = await handler(intent(name));
      assert.match(speech(fallback), /didn't get that/);
      assert.equal(fallback.response.shouldEndSession, false);
    }
  });

  test('answers SessionEndedRequest without speech', async () => {
    const original = console.log;
    console.log = () => {};
    try {
      const response = await createHandler(memoryStore().store)(envelope({ type: 'SessionEndedRequest', reason: 'USER_INITIATED' }));
      assert.deepEqual(response, { version: '1.0', response: {} });
    } finally {
      console.log = original;
    }
  });

  test('apologises and ends the session when the table cannot be reached', async () => {
    const original = console.error;
    const logged: string[] = [];
    console.error = (line: string) => logged.push(line);
    try {
      const { store } = memoryStore();
      store.tally = async () => {
        throw new Error('ProvisionedThroughputExceededException');
      };
      const response = await createHandler(store)(envelope({ type: 'LaunchRequest' }));
      assert.match(speech(response), /can't reach your tally/);
      assert.equal(response.response.shouldEndSession, true);
      assert.match(logged[0], /ProvisionedThroughputExceededException/);
    } finally {
      console.error = original;
    }
  });
});

describe('dynamoTallyStore', () => {
  function fakeClient(reply: (input: any) => unknown) {
    const sent: any[] = [];
    const client = {
      send: async (command: { input: unknown }) => {
        sent.push(command.input);
        return reply(command.input);
      },
    } as unknown as DynamoDBClient;
    return { client, sent };
  }

  test('adds cups atomically to the day item and sets its expiry', async () => {
    const { client, sent } = fakeClient(() => ({ Attributes: { water: { N: '4' }, tea: { N: '1' } } }));
    const tally = await dynamoTallyStore(client, 'Tallies').add(USER, TODAY, 'tea', 1, 123);
    assert.deepEqual(tally, { water: 4, tea: 1, coffee: 0 });
    assert.deepEqual(sent[0].Key, { userId: { S: USER }, sk: { S: `DAY#${TODAY}` } });
    assert.equal(sent[0].UpdateExpression, 'ADD #drink :cups SET expiresAt = :expiresAt');
    assert.deepEqual(sent[0].ExpressionAttributeNames, { '#drink': 'tea' });
    assert.equal(sent[0].ReturnValues, 'ALL_NEW');
  });

  test('reads a missing day as zeros and a missing goal as undefined', async () => {
    const { client } = fakeClient(() => ({}));
    const store = dynamoTallyStore(client, 'Tallies');
    assert.deepEqual(await store.tally(USER, TODAY), { water: 0, tea: 0, coffee: 0 });
    assert.equal(await store.goal(USER), undefined);
  });

  test('keeps the goal on its own GOAL item', async () => {
    const { client, sent } = fakeClient(() => ({ Item: { goal: { N: '8' } } }));
    const store = dynamoTallyStore(client, 'Tallies');
    await store.setGoal(USER, 8);
    assert.equal(await store.goal(USER), 8);
    assert.deepEqual(sent.map((input) => input.Key.sk.S), ['GOAL', 'GOAL']);
  });
});
