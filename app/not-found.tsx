import Link from 'next/link';

export default function NotFound() {
  return (
    <div className="max-w-2xl">
      <p className="text-sm font-semibold uppercase tracking-wide text-orange-700 dark:text-orange-400">404</p>
      <h1 className="mt-2 text-3xl font-bold tracking-tight">This page does not exist</h1>
      <p className="mt-4 text-slate-600 dark:text-slate-400">
        The address may be mistyped, or the pattern may have been renamed. These will get you back on track:
      </p>
      <ul className="mt-6 space-y-2">
        <li>
          <Link href="/patterns/" className="text-orange-700 hover:underline dark:text-orange-300">All patterns A–Z</Link>
        </li>
        <li>
          <Link href="/components/" className="text-orange-700 hover:underline dark:text-orange-300">Patterns by AWS component</Link>
        </li>
        <li>
          <Link href="/well-architected/" className="text-orange-700 hover:underline dark:text-orange-300">Patterns by Well-Architected practice</Link>
        </li>
        <li>
          <Link href="/" className="text-orange-700 hover:underline dark:text-orange-300">Home</Link>
        </li>
      </ul>
    </div>
  );
}
