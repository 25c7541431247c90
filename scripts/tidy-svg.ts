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
    .replace(/\sd="([^"]*)"/g, (_m, d: string) => ` d="${d.replace(/-?\d+\.\d{3,}/g, (n) => String(Math.round(Number(n) * 100) / 100))}"`);
}
