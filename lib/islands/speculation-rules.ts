/**
 * Prerender a same-site page when the pointer rests on its link, so moving between pages is instant.
 * build-islands inlines this text in every page; lib/security-headers.ts allows it by its hash.
 */
export const SPECULATION_RULES = JSON.stringify({
  prerender: [{ where: { href_matches: '/*' }, eagerness: 'moderate' }],
});
