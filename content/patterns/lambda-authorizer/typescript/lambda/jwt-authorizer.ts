import type { APIGatewayAuthorizerResult, APIGatewayTokenAuthorizerEvent } from 'aws-lambda';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { bearerToken } from './bearer-token';

/** The only signature algorithm accepted. Pinning it is what stops `none` and HS256-with-the-public-key tricks. */
export const ALGORITHMS = ['RS256'];
/** Allowed clock difference between the identity provider and Lambda when checking exp and nbf. */
export const CLOCK_TOLERANCE_SECONDS = 30;
/** How long one fetch of the key set may take before the request fails instead of hanging. */
export const JWKS_TIMEOUT_MS = 2_000;
/** How long a fetched key set is trusted before it is fetched again. */
export const JWKS_CACHE_MS = 10 * 60_000;
/** After a fetch, an unknown kid waits this long before it may trigger another one. */
export const JWKS_COOLDOWN_MS = 30_000;

export type JwtSettings = { issuer: string; audience: string; jwksUri: string };

/**
 * API Gateway turns exactly this error message into a 401 (the UNAUTHORIZED gateway response).
 * Any other error becomes a 500, which is what a failure to reach the key set should be.
 */
export class Unauthorized extends Error {
  constructor() {
    super('Unauthorized');
    this.name = 'Unauthorized';
  }
}

// jose error codes that mean "this token is not acceptable" rather than "we could not check".
const TOKEN_REJECTIONS = new Set([
  'ERR_JWT_EXPIRED',
  'ERR_JWT_CLAIM_VALIDATION_FAILED',
  'ERR_JWT_INVALID',
  'ERR_JWS_INVALID',
  'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
  'ERR_JOSE_ALG_NOT_ALLOWED',
  'ERR_JOSE_NOT_SUPPORTED',
  'ERR_JWKS_NO_MATCHING_KEY',
  'ERR_JWKS_MULTIPLE_MATCHING_KEYS',
]);

function rejectionCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && TOKEN_REJECTIONS.has(code) ? code : undefined;
}

/** A key set fetched over HTTPS on first use, then cached in this execution environment. */
export function remoteKeySet(jwksUri: string, { timeoutMs = JWKS_TIMEOUT_MS, cooldownMs = JWKS_COOLDOWN_MS } = {}): JWTVerifyGetKey {
  return createRemoteJWKSet(new URL(jwksUri), {
    timeoutDuration: timeoutMs,
    cacheMaxAge: JWKS_CACHE_MS,
    cooldownDuration: cooldownMs,
  });
}

/**
 * The policy's resource: every method and path of the stage that asked. API Gateway caches the
 * policy by token and reuses it for every method of the API, so it must be true for all of them;
 * naming only the method in methodArn would make a cached Allow deny the next route called.
 */
export function stageWideResource(methodArn: string): string {
  // arn:aws:execute-api:{region}:{account}:{apiId}/{stage}/{verb}/{path...}
  const [api, stage] = methodArn.split('/');
  if (!api?.startsWith('arn:aws') || !stage) throw new Error('methodArn is not an execute-api method ARN');
  return `${api}/${stage}/*`;
}

/** Space-separated scopes: `scope` (Auth0, Cognito) or `scp` as a string (Entra ID) or a list (Okta). */
function scopesOf(payload: JWTPayload): string {
  const raw = payload.scope ?? payload.scp;
  if (typeof raw === 'string') return raw;
  if (Array.isArray(raw)) return raw.filter((s) => typeof s === 'string').join(' ');
  return '';
}

/** Verifies the bearer token and returns an Allow policy, or throws Unauthorized; never returns a Deny. */
export async function authorize(
  event: Pick<APIGatewayTokenAuthorizerEvent, 'authorizationToken' | 'methodArn'>,
  settings: JwtSettings,
  keys: JWTVerifyGetKey,
): Promise<APIGatewayAuthorizerResult> {
  const token = bearerToken(event.authorizationToken);
  if (!token) {
    console.info('token rejected', { reason: 'not a bearer JWT' });
    throw new Unauthorized();
  }
  // Every identity provider names its signing key; a token without a kid is not one of theirs.
  let kid: unknown;
  try {
    kid = decodeProtectedHeader(token).kid;
  } catch {
    kid = undefined;
  }
  if (typeof kid !== 'string' || kid.length === 0) {
    console.info('token rejected', { reason: 'no kid in the header' });
    throw new Unauthorized();
  }
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, keys, {
      issuer: settings.issuer,
      audience: settings.audience,
      algorithms: ALGORITHMS,
      requiredClaims: ['exp', 'sub'],
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
    }));
  } catch (err) {
    const code = rejectionCode(err);
    if (!code) {
      // The key set could not be fetched or read: not the caller's fault. Let it fail as a 500.
      console.error('authorizer failure', { error: err instanceof Error ? err.message : String(err) });
      throw err;
    }
    // The reason and, for a claim check, which claim: enough to debug a misconfiguration, never the token.
    console.info('token rejected', { reason: code, claim: (err as { claim?: unknown }).claim });
    throw new Unauthorized();
  }
  const subject = payload.sub;
  if (typeof subject !== 'string' || subject.length === 0) {
    console.info('token rejected', { reason: 'empty sub' });
    throw new Unauthorized();
  }
  return {
    principalId: subject,
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'execute-api:Invoke', Resource: stageWideResource(event.methodArn) }],
    },
    // Only strings, numbers and booleans survive into the integration's requestContext.authorizer.
    context: { sub: subject, scope: scopesOf(payload) },
  };
}

/** Reads the identity provider settings the stack put in the environment. */
export function settingsFromEnvironment(env: NodeJS.ProcessEnv): JwtSettings {
  const issuer = env.JWT_ISSUER;
  const audience = env.JWT_AUDIENCE;
  const jwksUri = env.JWKS_URI;
  if (!issuer || !audience || !jwksUri) throw new Error('JWT_ISSUER, JWT_AUDIENCE and JWKS_URI must be set');
  return { issuer, audience, jwksUri };
}

// Created on the first invocation and kept for the life of the execution environment,
// so warm invocations verify against cached keys without a network call.
let environment: { settings: JwtSettings; keys: JWTVerifyGetKey } | undefined;

export const handler = async (event: APIGatewayTokenAuthorizerEvent): Promise<APIGatewayAuthorizerResult> => {
  if (!environment) {
    const settings = settingsFromEnvironment(process.env);
    environment = { settings, keys: remoteKeySet(settings.jwksUri) };
  }
  return authorize(event, environment.settings, environment.keys);
};
