import type { ReactNode } from 'react';
import { CopyButton } from '@/components/copy-button';
import { Island } from '@/components/island';

/** A titled code block with a copy button; `html` is build-time highlighted markup. */
/** The scroll box is focusable so keyboard users can scroll long files too. */
export function CodePanel({ id, title, html, actions }: { id: string; title: string; html: string; actions?: ReactNode }) {
  return (
    <div className="overflow-hidden rounded-lg border border-slate-200 dark:border-slate-800">
      <div className="flex items-center gap-3 border-b border-slate-200 bg-slate-50 px-3 py-2 text-sm dark:border-slate-800 dark:bg-slate-900">
        <span className="font-mono text-xs">{title}</span>
        <span className="ml-auto flex items-center gap-3">
          {actions}
          <Island name="copy-button" component={CopyButton} props={{ targetId: id, label: 'Copy' }} />
        </span>
      </div>
      <div id={id} tabIndex={0} role="region" aria-label={title} className="max-h-[36rem] overflow-auto [&_pre]:rounded-none" dangerouslySetInnerHTML={{ __html: html }} />
    </div>
  );
}
