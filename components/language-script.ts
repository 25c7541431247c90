/**
 * Runs in <head> before first paint, so a pattern page never flashes the other language's code:
 * it restores the reader's last choice (islands/language-tabs.ts keeps it) into html[data-lang].
 * lib/security-headers.ts allows exactly this text by its hash, so a change here changes the CSP.
 */
export const LANGUAGE_SCRIPT = "try{document.documentElement.dataset.lang=localStorage.getItem('lang')==='python'?'python':'typescript'}catch(e){}";
