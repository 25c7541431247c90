import type { MouseEvent } from 'react';
import type { Route } from '../logic';

interface NavProps {
  current: Route;
  onNavigate: (path: string) => void;
}

const links: { path: string; route: Route; label: string }[] = [
  { path: '/', route: 'checklist', label: 'Checklist' },
  { path: '/about', route: 'about', label: 'About' },
];

export function Nav({ current, onNavigate }: NavProps) {
  function follow(event: MouseEvent<HTMLAnchorElement>, path: string) {
    // Keep modified clicks (new tab, new window) as ordinary links.
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    onNavigate(path);
  }
  return (
    <nav aria-label="Main">
      {links.map((link) => (
        <a
          key={link.path}
          href={link.path}
          aria-current={current === link.route ? 'page' : undefined}
          onClick={(event) => follow(event, link.path)}
        >
          {link.label}
        </a>
      ))}
    </nav>
  );
}
