import { enhanceIsland } from '@/lib/islands/enhance';

const isTyping = (el: Element | null) =>
  el instanceof HTMLElement && (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName));

/** The Menu button (components/header-menu.tsx) and the header's search shortcuts. */
enhanceIsland('header-menu', (root) => {
  const button = root.querySelector('button')!;
  const panel = document.getElementById(button.getAttribute('aria-controls')!)!;
  const isOpen = () => button.getAttribute('aria-expanded') === 'true';
  const setOpen = (open: boolean) => {
    button.setAttribute('aria-expanded', String(open));
    panel.toggleAttribute('data-open', open);
  };

  button.addEventListener('click', () => setOpen(!isOpen()));
  // A followed link in the open menu (a same-page anchor, say) leaves it closed behind it.
  panel.addEventListener('click', (e) => (e.target as Element).closest('a') && setOpen(false));
  document.addEventListener('pointerdown', (e) => {
    const target = e.target as Node;
    if (isOpen() && !panel.contains(target) && !button.contains(target)) setOpen(false);
  });
  document.addEventListener('keydown', (e) => {
    const shortcut = (e.key === 'k' || e.key === 'K') && (e.metaKey || e.ctrlKey);
    if (shortcut || (e.key === '/' && !isTyping(document.activeElement))) {
      // / and Ctrl/Cmd+K put the cursor in the search box, opening the menu first on a phone.
      const search = panel.querySelector<HTMLInputElement>('input[type="search"], [role="combobox"]');
      if (!search) return;
      e.preventDefault();
      if (button.checkVisibility() && !panel.checkVisibility()) setOpen(true);
      search.focus();
      search.select();
    } else if (e.key === 'Escape' && isOpen() && !e.defaultPrevented) {
      // The search box uses Escape first to close its own list.
      setOpen(false);
      button.focus();
    }
  });
});
