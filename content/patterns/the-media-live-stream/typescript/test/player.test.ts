import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { canPlayHlsNatively, parseConfig, retryDelayMs, statusMessage, streamState } from '../site/player.js';

describe('parseConfig', () => {
  test('accepts the MediaPackage v1 manifest path the stack writes', () => {
    assert.deepEqual(parseConfig({ manifestPath: '/out/v1/0123456789abcdef0123456789abcdef/index.m3u8' }), {
      manifestPath: '/out/v1/0123456789abcdef0123456789abcdef/index.m3u8',
    });
  });

  test('refuses anything that would make the player fetch from elsewhere', () => {
    for (const value of [
      null,
      {},
      { manifestPath: 42 },
      { manifestPath: 'https://evil.example/out/v1/abc/index.m3u8' },
      { manifestPath: '//evil.example/out/v1/abc/index.m3u8' },
      { manifestPath: '/out/v1/../../index.m3u8' },
      { manifestPath: '/out/v1/abc/index.mpd' },
    ]) {
      assert.throws(() => parseConfig(value), /manifest path/, JSON.stringify(value));
    }
  });
});

describe('stream state and messages', () => {
  test('treats 2xx as live and a missing manifest as waiting', () => {
    assert.equal(streamState(200), 'live');
    assert.equal(streamState(404), 'waiting');
    assert.equal(streamState(403), 'waiting');
    assert.equal(streamState(500), 'failed');
    assert.equal(streamState(502), 'failed');
  });

  test('tells the viewer what to do in each case', () => {
    assert.match(statusMessage('waiting', true), /Start the MediaLive channel/);
    assert.equal(statusMessage('live', true), 'Live.');
    assert.match(statusMessage('live', false), /cannot play HLS by itself/);
    assert.match(statusMessage('failed', true), /error/);
  });

  test('reads canPlayType answers', () => {
    assert.equal(canPlayHlsNatively('probably'), true);
    assert.equal(canPlayHlsNatively('maybe'), true);
    assert.equal(canPlayHlsNatively(''), false);
  });
});

describe('retryDelayMs', () => {
  test('doubles from two seconds and stops at thirty', () => {
    assert.deepEqual(
      [0, 1, 2, 3, 4, 10].map(retryDelayMs),
      [2_000, 4_000, 8_000, 16_000, 30_000, 30_000],
    );
    assert.equal(retryDelayMs(-1), 2_000);
  });
});
