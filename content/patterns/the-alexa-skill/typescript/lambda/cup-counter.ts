import { DynamoDBClient, GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { isIntent, isSessionEnded, type IntentRequest, type RequestEnvelope, type ResponseEnvelope, resolvedId, say, silence } from './alexa';

export const DRINKS = ['water', 'tea', 'coffee'] as const;
export type Drink = (typeof DRINKS)[number];
export type Tally = Record<Drink, number>;

export const MAX_CUPS_PER_LOG = 20;
export const MAX_GOAL = 30;
/** Day tallies expire through DynamoDB TTL; the skill only talks about the last 90 days. */
export const KEEP_DAYS = 90;

/** The calls the skill makes against its table; tests pass an in-memory version. */
export interface TallyStore {
  add(userId: string, day: string, drink: Drink, cups: number, expiresAt: number): Promise<Tally>;
  tally(userId: string, day: string): Promise<Tally>;
  goal(userId: string): Promise<number | undefined>;
  setGoal(userId: string, goal: number): Promise<void>;
}

const HELP =
  'Cup Counter keeps a daily tally of the water, tea and coffee you drink. ' +
  'Say, I had two cups of tea. Or ask, how am I doing. Or set a daily water goal, like, set my goal to eight cups.';
const ANYTHING_ELSE = 'Anything else to log?';

export function cups(count: number, drink: Drink): string {
  return `${count} ${count === 1 ? 'cup' : 'cups'} of ${drink}`;
}

/** "3 cups of water and 1 cup of tea", or undefined for an empty day. */
export function describeTally(tally: Tally): string | undefined {
  const parts = DRINKS.filter((d) => tally[d] > 0).map((d) => cups(tally[d], d));
  if (parts.length === 0) return undefined;
  return parts.length === 1 ? parts[0] : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;
}

export function goalProgress(water: number, goal: number | undefined): string {
  if (goal === undefined) return '';
  if (water >= goal) return ` That meets your goal of ${goal} cups of water.`;
  const left = goal - water;
  return ` ${left} more ${left === 1 ? 'cup' : 'cups'} of water ${left === 1 ? 'reaches' : 'reach'} your goal of ${goal}.`;
}

/** Parses an AMAZON.NUMBER value; undefined when the slot was not filled, NaN when unclear. */
export function slotNumber(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  return /^\d+$/.test(value) ? Number(value) : Number.NaN;
}

/**
 * Turns an AMAZON.DATE value into one calendar day. Alexa also sends weeks (2026-W47),
 * months (2026-11), seasons and decades; a daily tally cannot answer those.
 */
export function resolveDay(value: string | undefined, today: string): { day: string } | { problem: string } {
  if (value === undefined || value === '' || value === 'PRESENT_REF') return { day: today };
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(value))) {
    return { problem: 'I keep one tally per day. Ask about a single day, like today or yesterday.' };
  }
  if (value > today) return { problem: "That day hasn't happened yet." };
  const age = (Date.parse(today) - Date.parse(value)) / 86_400_000;
  if (age >= KEEP_DAYS) return { problem: `I only keep the last ${KEEP_DAYS} days.` };
  return { day: value };
}

export function spokenDay(day: string, today: string): string {
  if (day === today) return 'today';
  const date = new Date(`${day}T00:00:00Z`);
  return `on ${date.toLocaleDateString('en-US', { weekday: 'long', month: 'long', day: 'numeric', timeZone: 'UTC' })}`;
}

export function createHandler(store: TallyStore) {
  async function logDrink(userId: string, today: string, intent: IntentRequest['intent'], keepOpen: boolean): Promise<ResponseEnvelope> {
    const drinkSlot = intent.slots?.drink;
    const drinkId = resolvedId(drinkSlot)?.toLowerCase();
    if (drinkSlot?.value && !DRINKS.includes(drinkId as Drink)) {
      return say(`I can only count water, tea and coffee, not ${drinkSlot.value}. What did you drink?`, { reprompt: 'Was it water, tea or coffee?' });
    }
    const drink = (drinkId as Drink | undefined) ?? 'water';
    const count = slotNumber(intent.slots?.count?.value) ?? 1;
    if (Number.isNaN(count)) return say("I didn't catch how many cups. How many was it?", { reprompt: 'How many cups?' });
    if (count < 1 || count > MAX_CUPS_PER_LOG) {
      return say(`I can log between 1 and ${MAX_CUPS_PER_LOG} cups at a time. How many was it?`, { reprompt: 'How many cups?' });
    }
    const expiresAt = Math.floor(Date.parse(today) / 1000) + KEEP_DAYS * 86_400;
    const [tally, goal] = await Promise.all([store.add(userId, today, drink, count, expiresAt), store.goal(userId)]);
    const text = `Logged ${cups(count, drink)}. Today so far: ${describeTally(tally)}.${goalProgress(tally.water, goal)}`;
    return keepOpen ? say(`${text} ${ANYTHING_ELSE}`, { reprompt: ANYTHING_ELSE }) : say(text);
  }

  async function summary(userId: string, today: string, intent: IntentRequest['intent'], keepOpen: boolean): Promise<ResponseEnvelope> {
    const resolved = resolveDay(intent.slots?.day?.value, today);
    if ('problem' in resolved) return say(`${resolved.problem} Which day?`, { reprompt: 'Which day should I look up?' });
    const [tally, goal] = await Promise.all([store.tally(userId, resolved.day), store.goal(userId)]);
    const when = spokenDay(resolved.day, today);
    const described = describeTally(tally);
    const text = described
      ? `${when === 'today' ? 'Today' : `${when[0].toUpperCase()}${when.slice(1)}`} you had ${described}.${goalProgress(tally.water, goal)}`
      : `I have nothing logged for ${when.replace(/^on /, '')}.`;
    const card = { title: `Cup Counter, ${resolved.day}`, content: described ?? 'Nothing logged.' };
    return keepOpen ? say(`${text} ${ANYTHING_ELSE}`, { reprompt: ANYTHING_ELSE, card }) : say(text, { card });
  }

  async function setGoal(userId: string, intent: IntentRequest['intent']): Promise<ResponseEnvelope> {
    const goal = slotNumber(intent.slots?.goal?.value);
    if (goal === undefined || Number.isNaN(goal) || goal < 1 || goal > MAX_GOAL) {
      return say(`Pick a daily goal between 1 and ${MAX_GOAL} cups of water. What should it be?`, { reprompt: 'How many cups a day?' });
    }
    await store.setGoal(userId, goal);
    return say(`Done. Your daily goal is now ${cups(goal, 'water')}.`);
  }

  async function launch(userId: string, today: string): Promise<ResponseEnvelope> {
    const [tally, goal] = await Promise.all([store.tally(userId, today), store.goal(userId)]);
    const described = describeTally(tally);
    const status = described ? `Today so far: ${described}.${goalProgress(tally.water, goal)}` : 'Nothing logged yet today.';
    return say(`Welcome to Cup Counter. ${status} What did you drink?`, { reprompt: 'You can say, I had a cup of tea, or ask, how am I doing.' });
  }

  return async (event: RequestEnvelope): Promise<ResponseEnvelope> => {
    const { request } = event;
    const userId = event.context.System.user.userId;
    // Days follow the request's UTC timestamp; per-user time zones would need the Alexa Settings API.
    const today = request.timestamp.slice(0, 10);
    // A one-shot request ("tell cup counter I had a tea") gets its answer and ends;
    // inside a conversation the skill asks for more.
    const keepOpen = event.session?.new === false;
    try {
      if (request.type === 'LaunchRequest') return await launch(userId, today);
      if (isSessionEnded(request)) {
        console.log(JSON.stringify({ level: request.reason === 'ERROR' ? 'ERROR' : 'INFO', message: 'session ended', reason: request.reason, error: request.error }));
        return silence();
      }
      if (!isIntent(request)) {
        console.log(JSON.stringify({ level: 'WARN', message: 'unhandled request type', type: request.type }));
        return silence();
      }
      switch (request.intent.name) {
        case 'LogDrinkIntent':
          return await logDrink(userId, today, request.intent, keepOpen);
        case 'GetSummaryIntent':
          return await summary(userId, today, request.intent, keepOpen);
        case 'SetGoalIntent':
          return await setGoal(userId, request.intent);
        case 'AMAZON.HelpIntent':
        case 'AMAZON.NavigateHomeIntent':
          return say(`${HELP} What would you like to do?`, { reprompt: 'What did you drink?' });
        case 'AMAZON.StopIntent':
        case 'AMAZON.CancelIntent':
          return say('Cheers. Stay hydrated.');
        case 'AMAZON.FallbackIntent':
        default:
          return say("Sorry, I didn't get that. You can log a drink, ask how you're doing, or say help.", { reprompt: 'What did you drink?' });
      }
    } catch (error) {
      console.error(JSON.stringify({ level: 'ERROR', message: 'request failed', type: request.type, error: String(error) }));
      return say("Sorry, I can't reach your tally right now. Please try again in a little while.");
    }
  };
}

export function dynamoTallyStore(client: DynamoDBClient, tableName: string): TallyStore {
  const dayKey = (userId: string, day: string) => ({ userId: { S: userId }, sk: { S: `DAY#${day}` } });
  const goalKey = (userId: string) => ({ userId: { S: userId }, sk: { S: 'GOAL' } });
  const toTally = (item: Record<string, { N?: string }> | undefined): Tally =>
    Object.fromEntries(DRINKS.map((d) => [d, Number(item?.[d]?.N ?? 0)])) as Tally;
  return {
    async add(userId, day, drink, count, expiresAt) {
      // ADD is atomic, so two devices logging at once never lose a cup.
      const result = await client.send(
        new UpdateItemCommand({
          TableName: tableName,
          Key: dayKey(userId, day),
          UpdateExpression: 'ADD #drink :cups SET expiresAt = :expiresAt',
          ExpressionAttributeNames: { '#drink': drink },
          ExpressionAttributeValues: { ':cups': { N: String(count) }, ':expiresAt': { N: String(expiresAt) } },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toTally(result.Attributes);
    },
    async tally(userId, day) {
      const result = await client.send(new GetItemCommand({ TableName: tableName, Key: dayKey(userId, day) }));
      return toTally(result.Item);
    },
    async goal(userId) {
      const result = await client.send(new GetItemCommand({ TableName: tableName, Key: goalKey(userId), ProjectionExpression: 'goal' }));
      const goal = result.Item?.goal?.N;
      return goal === undefined ? undefined : Number(goal);
    },
    async setGoal(userId, goal) {
      await client.send(
        new UpdateItemCommand({
          TableName: tableName,
          Key: goalKey(userId),
          UpdateExpression: 'SET goal = :goal',
          ExpressionAttributeValues: { ':goal': { N: String(goal) } },
        }),
      );
    },
  };
}

export const handler = createHandler(dynamoTallyStore(new DynamoDBClient({}), process.env.TALLIES_TABLE_NAME ?? ''));
