// The site's security headers, in one place: CloudFront's response headers policy (infra/) and the
// local server (scripts/serve.mjs) both send exactly these, and check:pages holds every inline
// script in out/ to this policy. Relative imports only: infra/ loads this file outside Next.
import { createHash } from 'node:crypto';
import { LANGUAGE_SCRIPT } from '../components/language-script';
import { THEME_SCRIPT } from '../components/theme/theme-script';
import { SPECULATION_RULES } from './islands/speculation-rules';

/** Every inline script a page may carry. Each is allowed by its hash, so editing one moves the CSP. */
export const INLINE_SCRIPTS: Readonly<Record<string, string>> = {
  'language boot script (components/language-script.ts)': LANGUAGE_SCRIPT,
  'theme boot script (components/theme/theme-script.ts)': THEME_SCRIPT,
  'speculation rules (lib/islands/speculation-rules.ts)': SPECULATION_RULES,
};

/** A CSP source expression for one exact script text. */
export const sha256Source = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/**
 * What the pages need and nothing more. Scripts: our own files (/_islands/) and the three inline
 * scripts above by hash; no eval, no other inline script. Styles: Next's stylesheet, plus inline
 * styles, which Shiki's highlighting (a <style> per page and style attributes on tokens) and the
 * lens-coverage bars use; a style cannot run code, and img-src 'self' stops it from loading
 * anything from elsewhere. Data: the search and explore indexes from this origin. Forms: the header
 * search submits to /patterns/. No frames, plugins, fonts, workers or <base>.
 * Deliberately no upgrade-insecure-requests: every URL the pages load is relative and CloudFront
 * redirects HTTP to HTTPS, so it would change nothing there, while it would break the local server.
 */
export const CSP_DIRECTIVES: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['default-src', ["'none'"]],
  ['script-src', ["'self'", ...Object.values(INLINE_SCRIPTS).map(sha256Source)]],
  ['style-src', ["'self'", "'unsafe-inline'"]],
  ['img-src', ["'self'"]],
  ['connect-src', ["'self'"]],
  ['form-action', ["'self'"]],
  ['base-uri', ["'none'"]],
  ['frame-ancestors', ["'none'"]],
];

export const CONTENT_SECURITY_POLICY = CSP_DIRECTIVES.map(([name, sources]) => `${name} ${sources.join(' ')}`).join('; ');

/**
 * The settings, in the shape CloudFront's response headers policy takes them. HSTS covers
 * subdomains but is not preloaded: preloading is a commitment the owner of a custom domain makes.
 */
export const SECURITY_SETTINGS = {
  contentSecurityPolicy: CONTENT_SECURITY_POLICY,
  hstsMaxAgeSeconds: 2 * 365 * 24 * 60 * 60,
  hstsIncludeSubdomains: true,
  frameOptions: 'DENY',
  referrerPolicy: 'strict-origin-when-cross-origin',
  // Powerful features the site never uses; the copy button's clipboard write stays allowed.
  permissionsPolicy: 'accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()',
} as const;

/**
 * The headers as sent, name → value. The local server sends these too, HSTS included: a browser
 * ignores HSTS over plain HTTP and for IP addresses, so on http://127.0.0.1 it is inert.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': SECURITY_SETTINGS.contentSecurityPolicy,
  'Strict-Transport-Security': `max-age=${SECURITY_SETTINGS.hstsMaxAgeSeconds}${SECURITY_SETTINGS.hstsIncludeSubdomains ? '; includeSubDomains' : ''}`,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': SECURITY_SETTINGS.frameOptions,
  'Referrer-Policy': SECURITY_SETTINGS.referrerPolicy,
  'Permissions-Policy': SECURITY_SETTINGS.permissionsPolicy,
};

/** The sources one directive of a CSP allows (default-src when it does not name the directive). */
export function cspSources(csp: string, directive: string): string[] {
  const parsed = new Map(
    csp
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((parts) => parts[0])
      .map(([name, ...sources]) => [name!.toLowerCase(), sources] as const),
  );
  return parsed.get(directive) ?? parsed.get('default-src') ?? [];
}

/** Whether the CSP lets this inline script text run: by its exact hash, or by 'unsafe-inline' when no hash or nonce overrides it. */
export function allowsInlineScript(csp: string, text: string): boolean {
  const sources = cspSources(csp, 'script-src');
  if (sources.includes(sha256Source(text))) return true;
  return sources.includes("'unsafe-inline'") && !sources.some((s) => /^'(sha(256|384|512)|nonce)-/.test(s));
}

// Data blocks (JSON-LD and the like) never run, so no CSP governs them.
const DATA_BLOCK = /^application\/(ld\+)?json$/i;

/** The inline scripts of a page that the CSP would block, as their first characters for a message. */
export function blockedInlineScripts(html: string, csp: string): string[] {
  const blocked: string[] = [];
  // A script's body is raw text in HTML (no entities), so the bytes between the tags are what is hashed.
  for (const [, attrs, text] of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
    if (/\ssrc=/i.test(attrs!)) continue;
    const type = /\stype="([^"]*)"/i.exec(attrs!)?.[1] ?? '';
    if (DATA_BLOCK.test(type)) continue;
    if (!allowsInlineScript(csp, text!)) blocked.push(`<script${attrs}>${text!.slice(0, 80)}${text!.length > 80 ? '…' : ''}`);
  }
  return blocked;
}
