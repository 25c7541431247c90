/**
 * The slice of the Alexa Skills Kit request and response JSON this skill uses, typed by hand
 * (the ASK SDK is not a dependency). Field names follow the ASK request/response reference.
 */

export interface SlotResolution {
  authority: string;
  status: { code: 'ER_SUCCESS_MATCH' | 'ER_SUCCESS_NO_MATCH' | 'ER_ERROR_TIMEOUT' | 'ER_ERROR_EXCEPTION' };
  values?: { value: { name: string; id: string } }[];
}

export interface Slot {
  name: string;
  /** What was heard: digits for AMAZON.NUMBER ("?" when unclear), ISO-like text for AMAZON.DATE. */
  value?: string;
  resolutions?: { resolutionsPerAuthority: SlotResolution[] };
}

interface BaseRequest {
  requestId: string;
  /** ISO 8601, UTC. */
  timestamp: string;
  locale?: string;
}

export interface LaunchRequest extends BaseRequest {
  type: 'LaunchRequest';
}

export interface IntentRequest extends BaseRequest {
  type: 'IntentRequest';
  dialogState?: 'STARTED' | 'IN_PROGRESS' | 'COMPLETED';
  intent: { name: string; confirmationStatus?: string; slots?: Record<string, Slot> };
}

export interface SessionEndedRequest extends BaseRequest {
  type: 'SessionEndedRequest';
  reason: 'USER_INITIATED' | 'ERROR' | 'EXCEEDED_MAX_REPROMPTS';
  error?: { type: string; message: string };
}

/** Other request types (e.g. System.ExceptionEncountered) arrive too; they are only logged. */
export interface OtherRequest extends BaseRequest {
  type: string;
}

export interface RequestEnvelope {
  version: string;
  session?: {
    new: boolean;
    sessionId: string;
    application: { applicationId: string };
    user: { userId: string };
    attributes?: Record<string, unknown>;
  };
  context: {
    System: {
      application: { applicationId: string };
      user: { userId: string };
    };
  };
  request: LaunchRequest | IntentRequest | SessionEndedRequest | OtherRequest;
}

export interface ResponseEnvelope {
  version: '1.0';
  sessionAttributes?: Record<string, unknown>;
  response: {
    outputSpeech?: { type: 'PlainText'; text: string };
    reprompt?: { outputSpeech: { type: 'PlainText'; text: string } };
    card?: { type: 'Simple'; title: string; content: string };
    shouldEndSession?: boolean;
  };
}

export function isIntent(request: RequestEnvelope['request']): request is IntentRequest {
  return request.type === 'IntentRequest';
}

export function isSessionEnded(request: RequestEnvelope['request']): request is SessionEndedRequest {
  return request.type === 'SessionEndedRequest';
}

/**
 * Says something. With a reprompt the microphone stays open for an answer; without one the
 * session ends after speaking.
 */
export function say(text: string, options: { reprompt?: string; card?: { title: string; content: string } } = {}): ResponseEnvelope {
  return {
    version: '1.0',
    response: {
      outputSpeech: { type: 'PlainText', text },
      ...(options.reprompt ? { reprompt: { outputSpeech: { type: 'PlainText', text: options.reprompt } } } : {}),
      ...(options.card ? { card: { type: 'Simple', ...options.card } } : {}),
      shouldEndSession: !options.reprompt,
    },
  };
}

/** A SessionEndedRequest must not be answered with speech. */
export function silence(): ResponseEnvelope {
  return { version: '1.0', response: {} };
}

/** The canonical id of a custom slot value, when entity resolution matched one. */
export function resolvedId(slot: Slot | undefined): string | undefined {
  const match = slot?.resolutions?.resolutionsPerAuthority.find((r) => r.status.code === 'ER_SUCCESS_MATCH');
  return match?.values?.[0]?.value.id;
}
