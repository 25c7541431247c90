/* eslint-disable @next/next/no-img-element -- pre-built SVGs in a static export: next/image has nothing to optimize */
import { componentIconSrc } from '@/lib/content/icons';

/**
 * A component's AWS architecture icon. Always shown beside the component's name, so it is
 * decorative (alt=""); width and height are set so the row never shifts while it loads.
 */
export function ComponentIcon({ id, size = 20, className = '' }: { id: string; size?: number; className?: string }) {
  return (
    <img
      src={componentIconSrc(id)}
      alt=""
      width={size}
      height={size}
      loading="lazy"
      decoding="async"
      data-component-icon={id}
      className={`shrink-0 ${className}`}
    />
  );
}
