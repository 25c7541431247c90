/**
 * Evaluates the small part of JSONata this workflow's definition uses, so the tests can run the real expressions
 * from the synthesized template: `$states` paths with `.name` and `[index]`, string, number and boolean literals,
 * object constructors, `= != < <= > >=`, `and`, `or`, `cond ? a : b`, parentheses, `$exists()` and `$number()`.
 * It follows JSONata where these overlap (a comparison with a missing value is false, a constructor drops missing
 * values) and throws on anything else, so an expression outside the subset fails the test instead of passing it.
 */
type Env = Record<string, unknown>;
type Node = (env: Env) => unknown;
type Token = { kind: 'number' | 'string' | 'name' | 'variable' | 'symbol'; text: string };

const SYMBOLS = ['>=', '<=', '!=', '=', '<', '>', '?', ':', '.', '[', ']', '(', ')', '{', '}', ','];

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const rest = source.slice(i);
    const space = /^\s+/.exec(rest);
    if (space) {
      i += space[0].length;
      continue;
    }
    const number = /^\d+(\.\d+)?/.exec(rest);
    const string = /^'([^']*)'|^"([^"]*)"/.exec(rest);
    const variable = /^\$[A-Za-z_]\w*/.exec(rest);
    const name = /^[A-Za-z_]\w*/.exec(rest);
    const symbol = SYMBOLS.find((s) => rest.startsWith(s));
    if (number) tokens.push({ kind: 'number', text: number[0] });
    else if (string) tokens.push({ kind: 'string', text: string[1] ?? string[2] ?? '' });
    else if (variable) tokens.push({ kind: 'variable', text: variable[0] });
    else if (name) tokens.push({ kind: 'name', text: name[0] });
    else if (symbol) tokens.push({ kind: 'symbol', text: symbol });
    else throw new Error(`unsupported JSONata at "${rest}"`);
    i += (number ?? string ?? variable ?? name)?.[0].length ?? symbol!.length;
  }
  return tokens;
}

function truthy(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'string') return value.length > 0;
  throw new Error(`no truth value for ${JSON.stringify(value)} in this subset`);
}

function compare(op: string, left: unknown, right: unknown): boolean {
  if (left === undefined || right === undefined) return false;
  if (op === '=' || op === '!=') {
    if (typeof left === 'object' || typeof right === 'object') throw new Error('object equality is outside this subset');
    return op === '=' ? left === right : left !== right;
  }
  if (typeof left !== typeof right || (typeof left !== 'number' && typeof left !== 'string')) {
    throw new Error(`cannot order ${JSON.stringify(left)} and ${JSON.stringify(right)}`);
  }
  const [a, b] = [left as number | string, right as number | string];
  return op === '<' ? a < b : op === '<=' ? a <= b : op === '>' ? a > b : a >= b;
}

const FUNCTIONS: Record<string, (arg: unknown) => unknown> = {
  $exists: (arg) => arg !== undefined,
  $number: (arg) => {
    if (arg === undefined || typeof arg === 'number') return arg;
    if (typeof arg === 'string' && /^-?\d+(\.\d+)?$/.test(arg)) return Number(arg);
    throw new Error(`$number cannot cast ${JSON.stringify(arg)}`);
  },
};

function parse(tokens: Token[]): Node {
  let at = 0;
  const peek = (text: string) => tokens[at]?.text === text && tokens[at]?.kind !== 'string';
  const expect = (text: string) => {
    if (!peek(text)) throw new Error(`expected "${text}" at token ${at}, found ${JSON.stringify(tokens[at])}`);
    at++;
  };

  const expression = (): Node => {
    const condition = or();
    if (!peek('?')) return condition;
    at++;
    const then = expression();
    expect(':');
    const otherwise = expression();
    return (env) => (truthy(condition(env)) ? then(env) : otherwise(env));
  };
  const or = (): Node => {
    let left = and();
    while (peek('or')) {
      at++;
      const [l, r] = [left, and()];
      left = (env) => truthy(l(env)) || truthy(r(env));
    }
    return left;
  };
  const and = (): Node => {
    let left = comparison();
    while (peek('and')) {
      at++;
      const [l, r] = [left, comparison()];
      left = (env) => truthy(l(env)) && truthy(r(env));
    }
    return left;
  };
  const comparison = (): Node => {
    const left = path();
    const op = tokens[at];
    if (op?.kind !== 'symbol' || !['=', '!=', '<', '<=', '>', '>='].includes(op.text)) return left;
    at++;
    const right = path();
    return (env) => compare(op.text, left(env), right(env));
  };
  const path = (): Node => {
    let node = primary();
    for (;;) {
      if (peek('.')) {
        at++;
        const name = tokens[at++];
        if (name?.kind !== 'name') throw new Error('expected a field name after "."');
        const inner = node;
        node = (env) => {
          const value = inner(env);
          if (value === undefined) return undefined;
          if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`.${name.text} on a non-object is outside this subset`);
          return (value as Record<string, unknown>)[name.text];
        };
      } else if (peek('[')) {
        at++;
        const index = tokens[at++];
        if (index?.kind !== 'number') throw new Error('only [number] indexes are in this subset');
        expect(']');
        const inner = node;
        node = (env) => {
          const value = inner(env);
          return Array.isArray(value) ? value[Number(index.text)] : undefined;
        };
      } else return node;
    }
  };
  const primary = (): Node => {
    const token = tokens[at++];
    if (!token) throw new Error('unexpected end of expression');
    if (token.kind === 'number') return () => Number(token.text);
    if (token.kind === 'string') return () => token.text;
    if (token.kind === 'name' && (token.text === 'true' || token.text === 'false')) return () => token.text === 'true';
    if (token.text === '(') {
      const inner = expression();
      expect(')');
      return inner;
    }
    if (token.text === '{') {
      const pairs: [string, Node][] = [];
      while (!peek('}')) {
        const key = tokens[at++];
        if (key?.kind !== 'string') throw new Error('object keys must be string literals');
        expect(':');
        pairs.push([key.text, expression()]);
        if (!peek('}')) expect(',');
      }
      at++;
      return (env) => {
        const result: Record<string, unknown> = {};
        for (const [key, value] of pairs) {
          const v = value(env);
          if (v !== undefined) result[key] = v;
        }
        return result;
      };
    }
    if (token.kind === 'variable') {
      if (peek('(')) {
        const fn = FUNCTIONS[token.text];
        if (!fn) throw new Error(`${token.text}() is outside this subset`);
        at++;
        const arg = expression();
        expect(')');
        return (env) => fn(arg(env));
      }
      return (env) => env[token.text.slice(1)];
    }
    throw new Error(`unexpected ${JSON.stringify(token)}`);
  };

  const node = expression();
  if (at !== tokens.length) throw new Error(`unparsed input from token ${at}: ${JSON.stringify(tokens[at])}`);
  return node;
}

/** Evaluates one JSONata expression, without the surrounding {% %}. */
export function evaluate(expression: string, env: Env): unknown {
  return parse(tokenize(expression))(env);
}

/** Evaluates a Step Functions field: a "{% … %}" string is JSONata, objects and arrays are walked, the rest is literal. */
export function evaluateField(field: unknown, env: Env): unknown {
  if (typeof field === 'string') {
    const match = /^\{%([\s\S]*)%\}$/.exec(field);
    return match ? evaluate(match[1]!, env) : field;
  }
  if (Array.isArray(field)) return field.map((item) => evaluateField(item, env));
  if (typeof field === 'object' && field !== null) {
    return Object.fromEntries(Object.entries(field).map(([key, value]) => [key, evaluateField(value, env)]));
  }
  return field;
}
