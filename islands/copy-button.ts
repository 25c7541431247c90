import { enhanceIsland } from '@/lib/islands/enhance';

/** Copy buttons (components/copy-button.tsx): the label says what happened, then comes back. */
enhanceIsland<{ targetId: string; label?: string }>('copy-button', (root, { targetId, label = 'Copy' }) => {
  const button = root.querySelector('button')!;
  const status = button.querySelector('span')!;
  let reset: ReturnType<typeof setTimeout> | undefined;
  button.addEventListener('click', async () => {
    const text = document.getElementById(targetId)?.innerText ?? '';
    try {
      await navigator.clipboard.writeText(text);
      status.textContent = 'Copied';
    } catch {
      status.textContent = 'Copy failed';
    }
    clearTimeout(reset);
    reset = setTimeout(() => (status.textContent = label), 2000);
  });
});
