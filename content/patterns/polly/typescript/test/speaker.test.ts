import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { PollyClient } from '@aws-sdk/client-polly';
import type { TranslateClient } from '@aws-sdk/client-translate';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import {
  awsSynthesize,
  awsTranslate,
  createHandler,
  escapeXml,
  parseRequest,
  type SpeechInput,
  speechInput,
  type Synthesize,
  type Translate,
} from '../lambda/speaker';

process.env.AWS_REGION ??= 'us-east-1';

// A few bytes standing in for MP3 audio; only their round trip through base64 matters here.
const MP3 = Uint8Array.from([0x49, 0x44, 0x33, 0x04, 0x00]);
const request = (body: unknown, headers: Record<string, string> = {}) =>
  ({ body: JSON.stringify(body), isBase64Encoded: false, headers }) as unknown as APIGatewayProxyEventV2;

function fakes(translation = 'Hola, mundo') {
  const translations: string[] = [];
  const inputs: SpeechInput[] = [];
  const translate: Translate = async (text, from, to) => (translations.push(`${from}->${to}: ${text}`), translation);
  const synthesize: Synthesize = async (input) => (inputs.push(input), MP3);
  return { translate, synthesize, translations, inputs };
}

async function quiet<T>(work: () => Promise<T>): Promise<T> {
  const saved = console.error;
  console.error = () => {};
  try {
    return await work();
  } finally {
    console.error = saved;
  }
}

describe('parseRequest', () => {
  test('defaults to English source text and the newscaster style', () => {
    assert.deepEqual(parseRequest('{"text":"  Hello  ","targetLanguage":"es"}', false), {
      request: { text: 'Hello', sourceLanguage: 'en', targetLanguage: 'es', style: 'newscaster' },
    });
  });

  test('reads a base64-encoded body', () => {
    const body = Buffer.from('{"text":"Hi","targetLanguage":"fr"}').toString('base64');
    assert.ok('request' in parseRequest(body, true));
  });

  test('lists every problem: empty or long text, unknown languages, unknown style', () => {
    const parsed = parseRequest(JSON.stringify({ text: '', sourceLanguage: 'auto', targetLanguage: 'xx', style: 'loud' }), false);
    assert.ok('errors' in parsed);
    assert.equal(parsed.errors.length, 4);
    assert.ok('errors' in parseRequest(JSON.stringify({ text: 'a'.repeat(1501), targetLanguage: 'es' }), false));
    assert.deepEqual(parseRequest('nope', false), { errors: ['body must be JSON'] });
    assert.ok('errors' in parseRequest(JSON.stringify({ text: 'x', targetLanguage: 'toString' }), false));
  });
});

describe('speechInput', () => {
  test('wraps escaped text in the news domain for voices that have the newscaster style', () => {
    assert.deepEqual(speechInput('Tom & Jerry <live>', 'es', 'newscaster'), {
      input: {
        Text: '<speak><amazon:domain name="news">Tom &amp; Jerry &lt;live&gt;</amazon:domain></speak>',
        TextType: 'ssml',
        VoiceId: 'Lupe',
        Engine: 'neural',
      },
      style: 'newscaster',
    });
  });

  test('falls back to plain text and says so when the voice has no newscaster style', () => {
    assert.deepEqual(speechInput('Bonjour', 'fr', 'newscaster'), {
      input: { Text: 'Bonjour', TextType: 'text', VoiceId: 'Lea', Engine: 'neural' },
      style: 'standard',
    });
  });

  test('escapes every XML special character', () => {
    assert.equal(escapeXml(`a&b<c>d"e'f`), 'a&amp;b&lt;c&gt;d&quot;e&apos;f');
  });
});

describe('speaker handler', () => {
  test('translates, synthesises and returns MP3 as a base64 body', async () => {
    const f = fakes();
    const response = await createHandler(f.translate, f.synthesize)(request({ text: 'Hello, world', targetLanguage: 'es' }));
    assert.equal(response.statusCode, 200);
    assert.equal(response.isBase64Encoded, true);
    assert.equal(response.headers?.['content-type'], 'audio/mpeg');
    assert.equal(response.headers?.['x-voice'], 'Lupe');
    assert.equal(response.headers?.['x-speech-style'], 'newscaster');
    assert.equal(response.headers?.['content-language'], 'es');
    assert.deepEqual(Buffer.from(String(response.body), 'base64'), Buffer.from(MP3));
    assert.deepEqual(f.translations, ['en->es: Hello, world']);
    assert.equal(f.inputs[0].TextType, 'ssml');
  });

  test('skips Translate when the text is already in the target language', async () => {
    const f = fakes();
    await createHandler(f.translate, f.synthesize)(request({ text: 'Good morning', targetLanguage: 'en', style: 'standard' }));
    assert.deepEqual(f.translations, []);
    assert.deepEqual(f.inputs, [{ Text: 'Good morning', TextType: 'text', VoiceId: 'Joanna', Engine: 'neural' }]);
  });

  test('returns JSON with the translation when the caller accepts JSON', async () => {
    const f = fakes('Guten Tag');
    const response = await createHandler(f.translate, f.synthesize)(
      request({ text: 'Good day', targetLanguage: 'de' }, { accept: 'application/json' }),
    );
    assert.equal(response.headers?.['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(String(response.body)), {
      translatedText: 'Guten Tag',
      voice: 'Vicki',
      style: 'standard',
      audioBase64: Buffer.from(MP3).toString('base64'),
    });
  });

  test('refuses a bad request before calling either service', async () => {
    const f = fakes();
    const response = await createHandler(f.translate, f.synthesize)(request({ text: 'Hi', targetLanguage: 'klingon' }));
    assert.equal(response.statusCode, 400);
    assert.deepEqual([f.translations, f.inputs], [[], []]);
  });

  test('refuses a translation too long for Polly without calling it', async () => {
    const f = fakes('x'.repeat(3001));
    const response = await createHandler(f.translate, f.synthesize)(request({ text: 'long', targetLanguage: 'ja' }));
    assert.equal(response.statusCode, 422);
    assert.deepEqual(f.inputs, []);
  });

  test('maps service errors: fixable ones to 422, throttling to 503, the rest to a quiet 500', async () => {
    const failWith = (name: string): Translate => async () => {
      throw Object.assign(new Error(`${name}: internal detail arn:aws:secret`), { name });
    };
    const call = (name: string) =>
      quiet(() => createHandler(failWith(name), fakes().synthesize)(request({ text: 'Hi', targetLanguage: 'it' })));
    assert.equal((await call('UnsupportedLanguagePairException')).statusCode, 422);
    const busy = await call('TooManyRequestsException');
    assert.equal(busy.statusCode, 503);
    assert.equal(busy.headers?.['retry-after'], '2');
    const broken = await call('InternalServerException');
    assert.equal(broken.statusCode, 500);
    assert.doesNotMatch(String(broken.body), /secret/);
  });
});

describe('AWS adapters', () => {
  test('ask Translate for a fixed language pair and Polly for neural MP3', async () => {
    const sent: any[] = [];
    const translateClient = { send: async (c: any) => (sent.push(c.input), { TranslatedText: 'Ciao' }) } as unknown as TranslateClient;
    const pollyClient = {
      send: async (c: any) => (sent.push(c.input), { AudioStream: { transformToByteArray: async () => MP3 } }),
    } as unknown as PollyClient;

    assert.equal(await awsTranslate(translateClient)('Hi', 'en', 'it'), 'Ciao');
    const input = speechInput('Ciao', 'it', 'standard').input;
    assert.deepEqual(await awsSynthesize(pollyClient)(input), MP3);
    assert.deepEqual(sent, [
      { Text: 'Hi', SourceLanguageCode: 'en', TargetLanguageCode: 'it' },
      { Text: 'Ciao', TextType: 'text', VoiceId: 'Bianca', Engine: 'neural', OutputFormat: 'mp3' },
    ]);
  });
});
