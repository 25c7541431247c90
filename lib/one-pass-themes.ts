import { flatTokenVariants, type ShikiTransformer, type ThemedToken, type ThemeRegistration } from 'shiki';

/**
 * Shiki colours a block for two themes by tokenizing it once per theme, and tokenizing is nearly
 * all of the build's highlighting time. The two GitHub themes share every scope rule and font
 * style and differ only in colours, so one tokenization with a theme whose "colours" name a
 * (light, dark) pair gives both: the same token boundaries (a boundary falls wherever either
 * colour changes) and the same styles, which this module then writes exactly as Shiki's
 * two-theme output does. lib/highlight.test.ts compares the two outputs byte for byte.
 */
export type ThemePair = { light: string; dark: string };
type Pair = [light: string | undefined, dark: string | undefined];

export class ThemePairError extends Error {}

type Settings = { foreground?: string; background?: string; fontStyle?: string };
type Rule = { scope?: string | string[]; settings: Settings };

/** Why the two themes cannot share one tokenization, or undefined when they can. */
export function pairProblem(light: readonly Rule[], dark: readonly Rule[]): string | undefined {
  if (light.length !== dark.length) return `${light.length} rules against ${dark.length}`;
  for (const [i, l] of light.entries()) {
    const d = dark[i]!;
    const what = `rule ${i} (${JSON.stringify(l.scope ?? 'default')})`;
    if (JSON.stringify(l.scope) !== JSON.stringify(d.scope)) return `${what}: scopes differ`;
    if ((l.settings.fontStyle ?? '') !== (d.settings.fontStyle ?? '')) return `${what}: font styles differ`;
    if (!l.settings.foreground !== !d.settings.foreground) return `${what}: only one theme sets a foreground`;
    if (!l.settings.background !== !d.settings.background) return `${what}: only one theme sets a background`;
  }
  return undefined;
}

const code = (n: number) => `#${n.toString(16).padStart(6, '0')}`;

/** The theme whose colours are codes for (light, dark) pairs, and the pairs by code. */
export function pairTheme(name: string, light: ThemeRegistration, dark: ThemeRegistration) {
  const [lightRules, darkRules] = [light.settings as Rule[], dark.settings as Rule[]];
  const problem = pairProblem(lightRules, darkRules);
  if (problem) throw new ThemePairError(`${light.name} and ${dark.name} cannot share one tokenization: ${problem}`);
  const pairs = new Map<string, Pair>();
  const codes = new Map<string, string>();
  const encode = (pair: Pair) => {
    const key = JSON.stringify(pair);
    if (!codes.has(key)) {
      codes.set(key, code(codes.size + 1));
      // Upper case, as TextMate's colour map hands token colours to Shiki.
      pairs.set(codes.get(key)!, [pair[0]?.toUpperCase(), pair[1]?.toUpperCase()]);
    }
    return codes.get(key)!;
  };
  const settings = lightRules.map((rule, i) => {
    const [l, d] = [rule.settings, darkRules[i]!.settings];
    // Backgrounds never reach Shiki's tokens, but they do split them, so they are paired as well.
    const [foreground, background] = (['foreground', 'background'] as const).map((key) => (l[key] ? encode([l[key], d[key]]) : undefined));
    return { ...rule, settings: { ...l, foreground, background } };
  });
  const theme: ThemeRegistration = { name, type: light.type, settings, fg: encode([light.fg, dark.fg]), bg: encode([light.bg, dark.bg]) };
  return { theme, pairs };
}

/** Turns the pair theme's tokens into Shiki's two-theme spans and root, as `codeToHtml({ themes })` writes them. */
export function pairTransformer(themes: ThemePair, light: ThemeRegistration, dark: ThemeRegistration, pairs: ReadonlyMap<string, Pair>): ShikiTransformer {
  const decode = (color: string | undefined): Pair => {
    if (!color) return [undefined, undefined];
    const pair = pairs.get(color.toLowerCase());
    if (!pair) throw new ThemePairError(`token colour ${color} is not one of the pair theme's codes`);
    return pair;
  };
  return {
    name: 'one-pass-themes',
    tokens(lines) {
      return lines.map((line) =>
        mergeWhitespace(
          line.map((token) => {
            const [l, d] = decode(token.color);
            const variants = { light: { color: l, fontStyle: token.fontStyle }, dark: { color: d, fontStyle: token.fontStyle } };
            return flatTokenVariants({ content: token.content, offset: token.offset, variants }, ['light', 'dark'], '--shiki-', 'light');
          }),
        ),
      );
    },
    pre(node) {
      node.properties.class = `shiki shiki-themes ${themes.light} ${themes.dark}`;
      node.properties.style = `background-color:${light.bg};--shiki-dark-bg:${dark.bg};color:${light.fg};--shiki-dark:${dark.fg}`;
    },
  };
}

/**
 * Shiki's whitespace merge for two-theme tokens, which carry their styles in htmlStyle and so are
 * never held apart by an underline: a run of blank tokens joins the token after it on the line.
 */
function mergeWhitespace(line: ThemedToken[]): ThemedToken[] {
  const out: ThemedToken[] = [];
  let carry: ThemedToken | undefined;
  line.forEach((token, i) => {
    if (/^\s+$/.test(token.content) && line[i + 1]) {
      carry = carry ? { ...carry, content: carry.content + token.content } : token;
    } else if (carry) {
      out.push({ ...token, offset: carry.offset, content: carry.content + token.content });
      carry = undefined;
    } else out.push(token);
  });
  return out;
}
