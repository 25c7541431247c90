import { Fragment } from 'react';

/** Text with the matched ranges in <mark>: React escapes the text, so hostile input stays text. */
export function Highlighted({ parts }: { parts: readonly { text: string; mark: boolean }[] }) {
  return (
    <>
      {parts.map((p, i) =>
        p.mark ? (
          <mark key={i} className="rounded-sm bg-orange-200 px-0.5 text-inherit dark:bg-orange-900/70">
            {p.text}
          </mark>
        ) : (
          <Fragment key={i}>{p.text}</Fragment>
        ),
      )}
    </>
  );
}
