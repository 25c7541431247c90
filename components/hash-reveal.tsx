'use client';

import { useEffect } from 'react';

/**
 * Opens the closed <details> a link's target sits in, then scrolls to it. Chromium does this
 * itself on fragment navigation; this covers browsers that do not yet.
 */
export function HashReveal() {
  useEffect(() => {
    const reveal = () => {
      const target = location.hash ? document.getElementById(decodeURIComponent(location.hash.slice(1))) : null;
      const details = target?.closest('details');
      if (!target || !details || details.open) return;
      details.open = true;
      target.scrollIntoView();
    };
    reveal();
    window.addEventListener('hashchange', reveal);
    return () => window.removeEventListener('hashchange', reveal);
  }, []);
  return null;
}
