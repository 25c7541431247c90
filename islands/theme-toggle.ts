import { THEME_EVENT, THEME_KEY, type ThemeChoice } from '@/components/theme/theme-script';
import { enhanceIsland } from '@/lib/islands/enhance';

const html = document.documentElement;
const current = () => (html.dataset.themeChoice as ThemeChoice | undefined) ?? 'system';

/** The head script (theme-script.ts) listens for the event and sets html[data-theme]. */
function choose(choice: ThemeChoice) {
  html.dataset.themeChoice = choice;
  try {
    if (choice === 'system') localStorage.removeItem(THEME_KEY);
    else localStorage.setItem(THEME_KEY, choice);
  } catch {
    // storage may be off; the choice then lasts for this page only
  }
  document.dispatchEvent(new Event(THEME_EVENT));
}

/** The light / dark / system radios (components/theme/theme-toggle.tsx). */
enhanceIsland('theme-toggle', (root) => {
  const radios = [...root.querySelectorAll<HTMLInputElement>('input[type="radio"]')];
  const show = () => radios.forEach((r) => (r.checked = r.value === current()));
  show();
  // Another tab's choice reaches this one through the head script, which fires the same event.
  document.addEventListener(THEME_EVENT, show);
  for (const radio of radios) radio.addEventListener('change', () => radio.checked && choose(radio.value as ThemeChoice));
});
