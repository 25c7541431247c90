/**
 * What an Authorization header must look like: the word Bearer, one space, then a compact JWS
 * (three base64url parts, the signature not empty). API Gateway applies it as the authorizer's
 * validation expression and answers 401 without invoking the function; the function applies it
 * again, so it never trusts that the gateway did. An unsigned `alg: none` token fails it already.
 */
export const BEARER_TOKEN_PATTERN = '^Bearer [-0-9A-Za-z_]+\\.[-0-9A-Za-z_]+\\.[-0-9A-Za-z_]+$';

const BEARER = new RegExp(BEARER_TOKEN_PATTERN);

/** The JWT inside a well-formed header, or undefined for anything else. */
export function bearerToken(header: string | undefined): string | undefined {
  if (typeof header !== 'string' || !BEARER.test(header)) return undefined;
  return header.slice('Bearer '.length);
}
