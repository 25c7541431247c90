import { enhanceIsland } from '@/lib/islands/enhance';

const html = document.documentElement;
/** Which language the page shows; set before paint by the head script, from the reader's last choice. */
const current = () => html.dataset.lang ?? 'typescript';

function choose(language: string) {
  html.dataset.lang = language;
  try {
    localStorage.setItem('lang', language);
  } catch {
    // storage may be off; the choice then lasts for this page only
  }
}

/** The language of the panel a link's target sits in, when the address points into one. */
function languageOfHash(): { language: string; target: HTMLElement } | undefined {
  const target = location.hash ? document.getElementById(decodeURIComponent(location.hash.slice(1))) : null;
  const language = target?.closest<HTMLElement>('[data-lang-panel]')?.dataset.langPanel;
  return target && language ? { language, target } : undefined;
}

/** The TypeScript / Python tabs (components/language-tabs.tsx). */
enhanceIsland('language-tabs', (root) => {
  const tabs = [...root.querySelectorAll<HTMLButtonElement>('[role="tab"]')];
  const show = () => tabs.forEach((t) => t.setAttribute('aria-selected', String(t.dataset.language === current())));
  for (const tab of tabs) {
    tab.addEventListener('click', () => {
      choose(tab.dataset.language!);
      show();
    });
  }
  // A link to a file of the other language (a guarantee's test) opens that language; the browser
  // could not scroll to the target while its panel was hidden, so scroll once it shows.
  const follow = () => {
    const linked = languageOfHash();
    if (!linked || linked.language === current()) return;
    choose(linked.language);
    show();
    linked.target.scrollIntoView();
  };
  show();
  follow();
  window.addEventListener('hashchange', follow);
});
