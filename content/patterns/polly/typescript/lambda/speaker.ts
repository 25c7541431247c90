import { PollyClient, SynthesizeSpeechCommand, type VoiceId } from '@aws-sdk/client-polly';
import { TranslateClient, TranslateTextCommand } from '@aws-sdk/client-translate';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/** One neural voice per language; `news` marks the voices that have Polly's newscaster style. */
export const VOICES = {
  en: { voice: 'Joanna', news: true },
  es: { voice: 'Lupe', news: true },
  fr: { voice: 'Lea', news: false },
  de: { voice: 'Vicki', news: false },
  it: { voice: 'Bianca', news: false },
  pt: { voice: 'Camila', news: false },
  ja: { voice: 'Takumi', news: false },
  nl: { voice: 'Laura', news: false },
} as const satisfies Record<string, { voice: VoiceId; news: boolean }>;
export type Language = keyof typeof VOICES;
export type Style = 'newscaster' | 'standard';

/** Keeps each request well inside Polly's 3,000 billed characters, even after translation grows it. */
export const MAX_TEXT_LENGTH = 1500;
export const POLLY_MAX_CHARACTERS = 3000;

export type SpeechRequest = { text: string; sourceLanguage: Language; targetLanguage: Language; style: Style };
export type SpeechInput = { Text: string; TextType: 'text' | 'ssml'; VoiceId: VoiceId; Engine: 'neural' };

/** The two service calls the handler makes, so tests can stand in for them. */
export type Translate = (text: string, from: Language, to: Language) => Promise<string>;
export type Synthesize = (input: SpeechInput) => Promise<Uint8Array>;

const isLanguage = (value: unknown): value is Language => typeof value === 'string' && Object.hasOwn(VOICES, value);

export function parseRequest(body: string | undefined, isBase64Encoded: boolean): { request: SpeechRequest } | { errors: string[] } {
  let input: unknown;
  try {
    input = JSON.parse(isBase64Encoded ? Buffer.from(body ?? '', 'base64').toString('utf8') : (body ?? ''));
  } catch {
    return { errors: ['body must be JSON'] };
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return { errors: ['body must be a JSON object'] };
  const { text, sourceLanguage = 'en', targetLanguage, style = 'newscaster' } = input as Record<string, unknown>;
  const languages = Object.keys(VOICES).join(', ');
  const errors: string[] = [];
  if (typeof text !== 'string' || text.trim() === '' || text.length > MAX_TEXT_LENGTH) {
    errors.push(`text must be 1 to ${MAX_TEXT_LENGTH} characters`);
  }
  // A fixed source language: "auto" would also need Amazon Comprehend and its permission.
  if (!isLanguage(sourceLanguage)) errors.push(`sourceLanguage must be one of ${languages}`);
  if (!isLanguage(targetLanguage)) errors.push(`targetLanguage must be one of ${languages}`);
  if (style !== 'newscaster' && style !== 'standard') errors.push('style must be newscaster or standard');
  if (errors.length > 0) return { errors };
  return {
    request: {
      text: (text as string).trim(),
      sourceLanguage: sourceLanguage as Language,
      targetLanguage: targetLanguage as Language,
      style: style as Style,
    },
  };
}

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' }[c]};`);
}

/** Newscaster style needs SSML and a voice that has it; otherwise plain text in the standard style. */
export function speechInput(text: string, language: Language, style: Style): { input: SpeechInput; style: Style } {
  const { voice, news } = VOICES[language];
  if (style === 'newscaster' && news) {
    const ssml = `<speak><amazon:domain name="news">${escapeXml(text)}</amazon:domain></speak>`;
    return { input: { Text: ssml, TextType: 'ssml', VoiceId: voice, Engine: 'neural' }, style: 'newscaster' };
  }
  return { input: { Text: text, TextType: 'text', VoiceId: voice, Engine: 'neural' }, style: 'standard' };
}

/** Service errors the caller can fix by changing the request. */
const CALLER_ERRORS = new Set(['UnsupportedLanguagePairException', 'TextSizeLimitExceededException', 'TextLengthExceededException']);
/** Service errors that mean "try again later". */
const BUSY_ERRORS = new Set(['TooManyRequestsException', 'ThrottlingException', 'LimitExceededException', 'ServiceQuotaExceededException']);

export function createHandler(translate: Translate, synthesize: Synthesize) {
  return async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const parsed = parseRequest(event.body, event.isBase64Encoded);
    if ('errors' in parsed) return json(400, { errors: parsed.errors });
    const { text, sourceLanguage, targetLanguage } = parsed.request;
    try {
      // Same language in and out: skip the paid translation call.
      const translated = sourceLanguage === targetLanguage ? text : await translate(text, sourceLanguage, targetLanguage);
      if (translated.length > POLLY_MAX_CHARACTERS) {
        return json(422, { errors: [`the translation is ${translated.length} characters; Polly takes at most ${POLLY_MAX_CHARACTERS}`] });
      }
      const { input, style } = speechInput(translated, targetLanguage, parsed.request.style);
      const audio = Buffer.from(await synthesize(input)).toString('base64');
      const about = { 'x-voice': input.VoiceId, 'x-speech-style': style, 'content-language': targetLanguage };
      if ((event.headers?.accept ?? '').includes('application/json')) {
        return json(200, { translatedText: translated, voice: input.VoiceId, style, audioBase64: audio }, about);
      }
      // isBase64Encoded tells API Gateway to decode the body and send raw MP3 bytes.
      return { statusCode: 200, headers: { 'content-type': 'audio/mpeg', ...about }, body: audio, isBase64Encoded: true };
    } catch (error) {
      const name = (error as Error).name;
      console.error(JSON.stringify({ level: 'ERROR', message: 'speech failed', errorName: name, error: String(error) }));
      if (CALLER_ERRORS.has(name)) return json(422, { errors: [`${name}: change the text or the languages`] });
      if (BUSY_ERRORS.has(name)) return json(503, { message: 'Translation or speech is busy; try again shortly.' }, { 'retry-after': '2' });
      return json(500, { message: 'The speech could not be produced right now.' });
    }
  };
}

function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyStructuredResultV2 {
  return { statusCode, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

export function awsTranslate(client: TranslateClient): Translate {
  return async (text, from, to) => {
    const result = await client.send(new TranslateTextCommand({ Text: text, SourceLanguageCode: from, TargetLanguageCode: to }));
    if (result.TranslatedText === undefined) throw new Error('Translate returned no text');
    return result.TranslatedText;
  };
}

export function awsSynthesize(client: PollyClient): Synthesize {
  return async (input) => {
    const result = await client.send(new SynthesizeSpeechCommand({ ...input, OutputFormat: 'mp3' }));
    if (!result.AudioStream) throw new Error('Polly returned no audio');
    return result.AudioStream.transformToByteArray();
  };
}

// Created once per execution environment, so warm invocations reuse connections.
export const handler = createHandler(awsTranslate(new TranslateClient({})), awsSynthesize(new PollyClient({})));
