/** Where the reader's choice is kept; absent means "system". */
export const THEME_KEY = 'theme';
/** Fired on the document when the choice changes, so the page and the toggle follow it. */
export const THEME_EVENT = 'themechange';

export const THEME_CHOICES = ['light', 'dark', 'system'] as const;
export type ThemeChoice = (typeof THEME_CHOICES)[number];

/**
 * Runs in <head> before first paint, so no page flashes the wrong theme. It keeps the reader's
 * choice in html[data-theme-choice] and the theme shown ("light" or "dark") in html[data-theme]:
 * while the choice is "system" it follows prefers-color-scheme live, and a choice made in another
 * tab follows through the storage event. It also marks html[data-js] for CSS that needs to know.
 * Without JavaScript neither attribute is set and the CSS follows the system setting.
 */
export const THEME_SCRIPT = `(function(){var d=document.documentElement,m=matchMedia('(prefers-color-scheme: dark)');function c(t){d.dataset.themeChoice=t==='light'||t==='dark'?t:'system'}function a(){var t=d.dataset.themeChoice;d.dataset.theme=t==='light'||t==='dark'?t:m.matches?'dark':'light'}try{c(localStorage.getItem('${THEME_KEY}'))}catch(e){c()}a();d.dataset.js='';m.addEventListener('change',a);document.addEventListener('${THEME_EVENT}',a);addEventListener('storage',function(e){if(e.key==='${THEME_KEY}'){c(e.newValue);document.dispatchEvent(new Event('${THEME_EVENT}'))}})})()`;
