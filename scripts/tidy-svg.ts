/**
 * Mermaid sizes its SVG to the container it rendered in; as an <img> it must carry its
 * own intrinsic size and a background that suits the theme it was drawn for. Its shape
 * paths carry 15-digit coordinates; two decimals are invisible and halve the file.
 */
export function tidySvg(svg: string, theme: 'light' | 'dark'): string {
  const background = theme === 'dark' ? '#020617' : '#ffffff';
  return svg
    .replace(/<svg([^>]*)\sstyle="[^"]*"/, (_m, attrs: string) => `<svg${attrs} style="background-color:${background}"`)
    .replace(/<svg([^>]*?)\swidth="100%"/, (_m, attrs: string) => {
      const viewBox = /viewBox="[\d.\-]+ [\d.\-]+ ([\d.]+) ([\d.]+)"/.exec(attrs);
      return viewBox ? `<svg${attrs} width="${Math.ceil(Number(viewBox[1]))}" height="${Math.ceil(Number(viewBox[2]))}"` : `<svg${attrs}`;
    })
    .replace(/\sd="([^"]*)"/g, (_m, d: string) => ` d="${roundPathNumbers(d)}"`);
}

/**
 * Rounds long coordinates to two decimals. In path data a second dot starts a new number
 * (".447-1.005.999" is .447, -1.005, .999), so a number that rounds to an integer keeps a
 * space before a following dot, or it would swallow the next number (-1.999).
 */
export function roundPathNumbers(d: string): string {
  return d.replace(/-?\d+\.\d{3,}(?=(\.)?)/g, (n: string, dot?: string) => {
    const rounded = String(Math.round(Number(n) * 100) / 100);
    return dot && !rounded.includes('.') ? `${rounded} ` : rounded;
  });
}
