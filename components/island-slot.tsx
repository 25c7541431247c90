import type { HTMLAttributes, ReactNode } from 'react';
import { slotMode } from '@/lib/islands/slot-mode';

type Props = HTMLAttributes<HTMLDivElement> & { children?: ReactNode };

/**
 * Server-rendered content inside an island. The children are not island props (they would ship
 * the content twice): in the browser the slot hydrates as an element whose inner HTML Preact leaves
 * alone, so the static markup stays exactly as built while the island around it comes alive.
 */
export function IslandSlot({ children, ...rest }: Props) {
  if (slotMode.keepStaticHtml) return <div {...rest} data-island-slot="" dangerouslySetInnerHTML={{ __html: '' }} />;
  return (
    <div {...rest} data-island-slot="">
      {children}
    </div>
  );
}
