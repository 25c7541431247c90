// The package ships no types; this is its one export, a CommonJS function.
declare module 'json-stringify-nice' {
  function stringify(value: unknown, replacer?: readonly string[] | ((key: string, value: unknown) => unknown), space?: number | string): string;
  export = stringify;
}
