import type { Node } from 'constructs';

/** Where tokens come from and who they must be meant for, read from cdk context. */
export type IdpSettings = { issuer: string; audience: string; jwksUri: string };

/**
 * Placeholders that synthesize and deploy, but verify nothing until replaced: example.com serves
 * no key set, so every bearer token is answered with a 500 and the alarms fire. Pass your own with
 * `-c jwtIssuer=... -c jwtAudience=... -c jwksUri=...`.
 */
export const PLACEHOLDER_IDP: IdpSettings = {
  issuer: 'https://idp.example.com/',
  audience: 'https://api.example.com',
  jwksUri: 'https://idp.example.com/.well-known/jwks.json',
};

function text(node: Node, key: string, fallback: string): string {
  const value: unknown = node.tryGetContext(key);
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || value.trim() !== value || value.length === 0) {
    throw new Error(`Context value ${key} must be a non-empty string without surrounding spaces, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** Reads jwtIssuer, jwtAudience and jwksUri, refusing a key set that is not fetched over HTTPS. */
export function idpSettings(node: Node): IdpSettings {
  const settings = {
    issuer: text(node, 'jwtIssuer', PLACEHOLDER_IDP.issuer),
    audience: text(node, 'jwtAudience', PLACEHOLDER_IDP.audience),
    jwksUri: text(node, 'jwksUri', PLACEHOLDER_IDP.jwksUri),
  };
  let url: URL | undefined;
  try {
    url = new URL(settings.jwksUri);
  } catch {
    url = undefined;
  }
  // Keys fetched over plain HTTP could be swapped in transit, and then any token would verify.
  if (url?.protocol !== 'https:') throw new Error(`Context value jwksUri must be an https:// URL, got ${settings.jwksUri}`);
  return settings;
}
