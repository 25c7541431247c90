import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { SNSEvent } from 'aws-lambda';
import { handler as processor, InvalidMessage, processMessage, readMessage, RequestedFailure } from '../lambda/processor';
import {
  createHandler,
  FAILURE_DETAIL_TYPE,
  type InvocationRecord,
  type ResultEvent,
  SUCCESS_DETAIL_TYPE,
  summariseFailure,
  summariseSuccess,
  UnexpectedRecord,
} from '../lambda/results';

function snsEvent(...messages: string[]): SNSEvent {
  return { Records: messages.map((Message, i) => ({ Sns: { MessageId: `sns-${i}`, Message } })) } as unknown as SNSEvent;
}

function resultEvent(detailType: string, detail: Partial<InvocationRecord>): ResultEvent {
  return {
    source: 'lambda',
    'detail-type': detailType,
    detail: {
      requestContext: { requestId: 'req-1', functionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:p:$LATEST', condition: 'Success', approximateInvokeCount: 1 },
      requestPayload: { Records: [{ Sns: { MessageId: 'sns-0', Message: '{"message":"hello"}' } }] },
      responseContext: { statusCode: 200 },
      responsePayload: null,
      ...detail,
    },
  } as ResultEvent;
}

describe('processor', () => {
  test('counts the words and characters of a valid message', () => {
    assert.deepEqual(processMessage('sns-1', JSON.stringify({ message: 'hello  destined world' })), {
      snsMessageId: 'sns-1',
      message: 'hello  destined world',
      words: 3,
      characters: 21,
    });
  });

  test('fails on purpose when the message contains the word "fail", in any case or punctuation', () => {
    for (const message of ['fail', 'please FAIL now', 'this will fail.']) {
      assert.throws(() => processMessage('m', JSON.stringify({ message })), RequestedFailure, message);
    }
    // Only the whole word counts.
    assert.equal(processMessage('m', JSON.stringify({ message: 'failover is fine' })).words, 3);
  });

  test('rejects messages the API model would have refused', () => {
    for (const body of ['not json', '{}', '{"message": ""}', '{"message": 42}', JSON.stringify({ message: 'x'.repeat(257) }), 'null']) {
      assert.throws(() => readMessage(body), InvalidMessage, body);
    }
  });

  test('returns the result for the one SNS record it is invoked with, and throws otherwise', async () => {
    assert.equal((await processor(snsEvent('{"message":"two words"}'))).words, 2);
    await assert.rejects(processor(snsEvent('{"message":"fail"}')), RequestedFailure);
    await assert.rejects(processor(snsEvent()), InvalidMessage);
  });

  test('names its errors so failure records say what went wrong', async () => {
    await assert.rejects(processor(snsEvent('{"message":"fail"}')), { name: 'RequestedFailure' });
    await assert.rejects(processor(snsEvent('oops')), { name: 'InvalidMessage' });
  });
});

describe('record handlers', () => {
  test('summarise a success record with the result and the original SNS message id', () => {
    const result = { snsMessageId: 'sns-0', message: 'hello', words: 1, characters: 5 };
    assert.deepEqual(summariseSuccess(resultEvent(SUCCESS_DETAIL_TYPE, { responsePayload: result })), {
      level: 'INFO',
      message: 'message processed',
      requestId: 'req-1',
      attempts: 1,
      snsMessageId: 'sns-0',
      originalMessage: '{"message":"hello"}',
      result,
    });
  });

  test('summarise a failure record with the condition, the error and the input that caused it', () => {
    const event = resultEvent(FAILURE_DETAIL_TYPE, {
      requestContext: { requestId: 'req-2', functionArn: 'arn', condition: 'RetriesExhausted', approximateInvokeCount: 2 },
      responseContext: { statusCode: 200, functionError: 'Unhandled' },
      responsePayload: { errorType: 'RequestedFailure', errorMessage: 'the message asked to fail: "fail"', trace: [] },
      requestPayload: { Records: [{ Sns: { MessageId: 'sns-9', Message: '{"message":"fail"}' } }] },
    });
    assert.deepEqual(summariseFailure(event), {
      level: 'WARN',
      message: 'message failed',
      requestId: 'req-2',
      condition: 'RetriesExhausted',
      attempts: 2,
      errorType: 'RequestedFailure',
      errorMessage: 'the message asked to fail: "fail"',
      snsMessageId: 'sns-9',
      originalMessage: '{"message":"fail"}',
    });
  });

  test('refuse a record of the other kind or from another source, so a wrong rule shows up as an error', () => {
    assert.throws(() => summariseSuccess(resultEvent(FAILURE_DETAIL_TYPE, {})), UnexpectedRecord);
    assert.throws(() => summariseFailure(resultEvent(SUCCESS_DETAIL_TYPE, {})), UnexpectedRecord);
    assert.throws(() => summariseSuccess({ ...resultEvent(SUCCESS_DETAIL_TYPE, {}), source: 'custom.app' }), UnexpectedRecord);
    assert.throws(() => summariseFailure({ ...resultEvent(FAILURE_DETAIL_TYPE, {}), detail: {} as InvocationRecord }), UnexpectedRecord);
  });

  test('write exactly one line per record', async () => {
    const lines: object[] = [];
    await createHandler(summariseSuccess, (line) => lines.push(line))(resultEvent(SUCCESS_DETAIL_TYPE, {}));
    assert.equal(lines.length, 1);
  });
});
