'use client';

import { useState } from 'react';

/**
 * Copies the text of another element. Reading it from the DOM, rather than taking
 * it as a prop, keeps the page from carrying every file's text twice.
 */
export function CopyButton({ targetId, label = 'Copy' }: { targetId: string; label?: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');

  async function copy() {
    const text = document.getElementById(targetId)?.innerText ?? '';
    try {
      await navigator.clipboard.writeText(text);
      setState('copied');
    } catch {
      setState('failed');
    }
    setTimeout(() => setState('idle'), 2000);
  }

  return (
    <button
      type="button"
      onClick={copy}
      className="min-h-11 min-w-11 rounded-md border border-slate-300 px-2 py-1 text-xs font-medium hover:bg-slate-100 lg:min-h-0 lg:min-w-0 dark:border-slate-700 dark:hover:bg-slate-800"
    >
      <span aria-live="polite">{state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed' : label}</span>
    </button>
  );
}
