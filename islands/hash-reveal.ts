import { enhanceIsland } from '@/lib/islands/enhance';

/**
 * Opens the closed <details> a link's target sits in, then scrolls to it. Chromium does this
 * itself on fragment navigation; this covers browsers that do not yet.
 */
enhanceIsland('hash-reveal', () => {
  const reveal = () => {
    const target = location.hash ? document.getElementById(decodeURIComponent(location.hash.slice(1))) : null;
    const details = target?.closest('details');
    if (!target || !details || details.open) return;
    details.open = true;
    target.scrollIntoView();
  };
  reveal();
  window.addEventListener('hashchange', reveal);
});
