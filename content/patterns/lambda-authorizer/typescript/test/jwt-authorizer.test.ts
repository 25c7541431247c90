import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, test } from 'node:test';
import { exportJWK, exportSPKI, generateKeyPair, type JWK, type JWTPayload, SignJWT } from 'jose';
import { BEARER_TOKEN_PATTERN, bearerToken } from '../lambda/bearer-token';
import { authorize, JWKS_TIMEOUT_MS, type JwtSettings, remoteKeySet, settingsFromEnvironment, stageWideResource, Unauthorized } from '../lambda/jwt-authorizer';

const METHOD_ARN = 'arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/v1/GET/me';
const KID = 'test-key-1';

type Keys = Awaited<ReturnType<typeof generateKeyPair>>;

/** A JWKS endpoint on 127.0.0.1 that counts its requests and can be made slow or broken. */
class JwksServer {
  requests = 0;
  keys: JWK[] = [];
  status = 200;
  delayMs = 0;
  private server: Server = createServer((_req, res) => {
    this.requests += 1;
    setTimeout(() => {
      res.writeHead(this.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: this.keys }));
    }, this.delayMs);
  });
  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/.well-known/jwks.json`;
  }
  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

describe('JWT authorizer', () => {
  const jwks = new JwksServer();
  let settings: JwtSettings;
  let signing: Keys;
  let other: Keys;

  const now = () => Math.floor(Date.now() / 1000);
  const claims = (extra: JWTPayload = {}): JWTPayload => ({
    iss: settings.issuer,
    aud: settings.audience,
    sub: 'user-123',
    scope: 'orders:read profile',
    iat: now(),
    exp: now() + 600,
    ...extra,
  });
  const sign = (payload: JWTPayload, key = signing.privateKey, kid = KID) =>
    new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' }).sign(key);
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const call = async (authorizationToken: string, keys = remoteKeySet(settings.jwksUri, { timeoutMs: 500 })) =>
    authorize({ authorizationToken, methodArn: METHOD_ARN }, settings, keys);
  const denied = (promise: Promise<unknown>) =>
    assert.rejects(promise, (err: unknown) => err instanceof Unauthorized && err.message === 'Unauthorized');

  before(async () => {
    const uri = await jwks.start();
    settings = { issuer: 'https://idp.test/', audience: 'https://api.test', jwksUri: uri };
    signing = await generateKeyPair('RS256', { extractable: true });
    other = await generateKeyPair('RS256', { extractable: true });
  });
  after(() => jwks.stop());
  beforeEach(async () => {
    jwks.requests = 0;
    jwks.status = 200;
    jwks.delayMs = 0;
    jwks.keys = [{ ...(await exportJWK(signing.publicKey)), kid: KID, alg: 'RS256', use: 'sig' }];
  });

  test('allows a valid token for every method of the stage, with the subject and scopes in the context', async () => {
    const result = await call(`Bearer ${await sign(claims())}`);
    assert.equal(result.principalId, 'user-123');
    assert.deepEqual(result.policyDocument, {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'execute-api:Invoke', Resource: 'arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/v1/*' }],
    });
    assert.deepEqual(result.context, { sub: 'user-123', scope: 'orders:read profile' });
  });

  test('scopes the cached Allow to this API and stage only, never to other APIs or stages', () => {
    assert.equal(
      stageWideResource('arn:aws:execute-api:us-east-1:123456789012:abc123/prod/POST/orders/42/items'),
      'arn:aws:execute-api:us-east-1:123456789012:abc123/prod/*',
    );
    assert.throws(() => stageWideResource('*'));
  });

  test('reads Okta-style scp lists as space-separated scopes', async () => {
    const result = await call(`Bearer ${await sign(claims({ scope: undefined, scp: ['a', 'b'] }))}`);
    assert.equal(result.context?.scope, 'a b');
  });

  test('denies an expired token', async () => {
    await denied(call(`Bearer ${await sign(claims({ iat: now() - 7200, exp: now() - 3600 }))}`));
    await denied(call(`Bearer ${await sign(claims({ exp: now() - 60 }))}`));
    // Thirty seconds of clock tolerance, and not more.
    assert.equal((await call(`Bearer ${await sign(claims({ exp: now() - 10 }))}`)).principalId, 'user-123');
  });

  test('denies a token from another issuer', async () => {
    await denied(call(`Bearer ${await sign(claims({ iss: 'https://evil.test/' }))}`));
  });

  test('denies a token meant for another audience', async () => {
    await denied(call(`Bearer ${await sign(claims({ aud: 'https://other-api.test' }))}`));
  });

  test('denies a token without a subject', async () => {
    await denied(call(`Bearer ${await sign(claims({ sub: undefined }))}`));
  });

  test('denies a token signed by another key under the same kid', async () => {
    await denied(call(`Bearer ${await sign(claims(), other.privateKey)}`));
  });

  test('denies a token without a kid in its header', async () => {
    const noKid = await new SignJWT(claims()).setProtectedHeader({ alg: 'RS256' }).sign(signing.privateKey);
    await denied(call(`Bearer ${noKid}`));
    assert.equal(jwks.requests, 0);
  });

  test('denies a token whose payload was changed after signing', async () => {
    const [header, , signature] = (await sign(claims())).split('.');
    await denied(call(`Bearer ${header}.${b64(claims({ sub: 'admin' }))}.${signature}`));
  });

  test('denies alg none and an HS256 token keyed with the public key', async () => {
    const unsigned = `${b64({ alg: 'none', kid: KID })}.${b64(claims())}.`;
    await denied(call(`Bearer ${unsigned}`));
    await denied(call(`Bearer ${unsigned}c2ln`));
    // The classic confusion attack: the public key, which anyone can fetch, used as an HMAC secret.
    const pem = new TextEncoder().encode(await exportSPKI(signing.publicKey));
    const hs256 = await new SignJWT(claims()).setProtectedHeader({ alg: 'HS256', kid: KID }).sign(pem);
    await denied(call(`Bearer ${hs256}`));
    // The algorithm is refused before any key is looked up.
    assert.equal(jwks.requests, 0);
  });

  test('denies an unknown kid after at most one refetch of the key set', async () => {
    const keys = remoteKeySet(settings.jwksUri, { timeoutMs: 500 });
    await denied(call(`Bearer ${await sign(claims(), other.privateKey, 'unknown-kid')}`, keys));
    assert.equal(jwks.requests, 1);
    // Within the cooldown a flood of unknown kids cannot make the authorizer hammer the identity provider.
    await denied(call(`Bearer ${await sign(claims(), other.privateKey, 'another-kid')}`, keys));
    assert.equal(jwks.requests, 1);
  });

  test('denies a missing or malformed Authorization header without fetching the key set', async () => {
    const token = await sign(claims());
    for (const header of ['', token, `bearer ${token}`, `Basic ${token}`, `Bearer  ${token}`, `Bearer ${token} extra`, 'Bearer a.b']) {
      await denied(call(header));
    }
    await denied(authorize({ authorizationToken: undefined as unknown as string, methodArn: METHOD_ARN }, settings, remoteKeySet(settings.jwksUri)));
    assert.equal(jwks.requests, 0);
  });

  test('applies the same Bearer pattern API Gateway validates', () => {
    assert.equal(bearerToken('Bearer aaa.bbb.ccc'), 'aaa.bbb.ccc');
    assert.equal(bearerToken('Bearer aaa.bbb.'), undefined);
    assert.equal(BEARER_TOKEN_PATTERN, '^Bearer [-0-9A-Za-z_]+\\.[-0-9A-Za-z_]+\\.[-0-9A-Za-z_]+$');
  });

  test('keeps the key set in the execution environment between invocations', async () => {
    const keys = remoteKeySet(settings.jwksUri, { timeoutMs: 500 });
    for (let i = 0; i < 3; i++) await call(`Bearer ${await sign(claims({ sub: `user-${i}` }))}`, keys);
    assert.equal(jwks.requests, 1);
  });

  test('fails with an error, not Unauthorized and never an Allow, when the key set times out', async () => {
    jwks.delayMs = JWKS_TIMEOUT_MS + 1_000;
    const started = Date.now();
    // The key set the handler itself uses: the real two-second timeout.
    await assert.rejects(call(`Bearer ${await sign(claims())}`, remoteKeySet(settings.jwksUri)), (err: unknown) => {
      assert.ok(!(err instanceof Unauthorized));
      assert.equal((err as { code?: string }).code, 'ERR_JWKS_TIMEOUT');
      return true;
    });
    const waited = Date.now() - started;
    assert.equal(JWKS_TIMEOUT_MS, 2_000);
    assert.ok(waited >= 1_900 && waited < JWKS_TIMEOUT_MS + 900, `gave up after ${waited} ms`);
  });

  test('picks up a rotated signing key when a new kid appears after the cooldown', async () => {
    const keys = remoteKeySet(settings.jwksUri, { timeoutMs: 500, cooldownMs: 0 });
    await call(`Bearer ${await sign(claims())}`, keys);
    jwks.keys = [{ ...(await exportJWK(other.publicKey)), kid: 'rotated', alg: 'RS256', use: 'sig' }];
    const result = await call(`Bearer ${await sign(claims(), other.privateKey, 'rotated')}`, keys);
    assert.equal(result.principalId, 'user-123');
    assert.equal(jwks.requests, 2);
  });

  test('logs why a token was refused without logging the token', async (t) => {
    const lines: string[] = [];
    t.mock.method(console, 'info', (...args: unknown[]) => lines.push(JSON.stringify(args)));
    const token = await sign(claims({ aud: 'https://other-api.test' }));
    await denied(call(`Bearer ${token}`));
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, /ERR_JWT_CLAIM_VALIDATION_FAILED/);
    assert.match(lines[0]!, /"aud"/);
    for (const part of token.split('.')) assert.ok(!lines[0]!.includes(part));
  });

  test('fails with an error, not Unauthorized and never an Allow, when the key set answers an HTTP error', async () => {
    jwks.status = 503;
    await assert.rejects(call(`Bearer ${await sign(claims())}`), (err: unknown) => !(err instanceof Unauthorized));
  });

  test('refuses to start without issuer, audience and key set settings', () => {
    assert.throws(() => settingsFromEnvironment({ JWT_ISSUER: 'https://idp.test/', JWT_AUDIENCE: 'x' }), /JWKS_URI/);
    assert.deepEqual(settingsFromEnvironment({ JWT_ISSUER: 'i', JWT_AUDIENCE: 'a', JWKS_URI: 'https://k' }), {
      issuer: 'i',
      audience: 'a',
      jwksUri: 'https://k',
    });
  });
});
