// Reads the node ids of a mermaid flowchart, so a diagram can be held against a template.
// Not a mermaid parser: labels and edge texts are removed first, then identifiers remain.

export type DiagramNode = { id: string; external: boolean; subgraph: boolean };

const KEYWORDS = new Set(['flowchart', 'graph', 'subgraph', 'end', 'direction', 'LR', 'RL', 'TB', 'TD', 'BT']);

function stripLabels(line: string): string {
  let s = line
    .replace(/"[^"]*"/g, '""')
    .replace(/\|[^|]*\|/g, ' ')
    // Unquoted edge texts: A -- text --> B, A -. text .-> B, A == text ==> B
    .replace(/--(?![->])[^>]*?-->/g, ' --> ')
    .replace(/-\.(?![->])[^>]*?\.->/g, ' --> ')
    .replace(/==(?![=>])[^>]*?==>/g, ' --> ');
  // Shapes nest ([( )], [[ ]], (( )), {{ }}): strip inner-most first. Removed without a
  // space so a class suffix stays attached: Client([Client]):::external.
  for (let i = 0; i < 3; i++) s = s.replace(/\[[^[\]]*\]|\([^()]*\)|\{[^{}]*\}/g, '');
  return s.replace(/(\w)>[^\]]*\]/g, '$1');
}

export function diagramNodes(code: string): DiagramNode[] {
  const nodes = new Map<string, DiagramNode>();
  const add = (id: string, patch: Partial<DiagramNode> = {}) => {
    const prev = nodes.get(id) ?? { id, external: false, subgraph: false };
    nodes.set(id, { ...prev, ...patch, external: prev.external || Boolean(patch.external), subgraph: prev.subgraph || Boolean(patch.subgraph) });
  };
  for (const raw of code.split('\n')) {
    const line = raw.trim();
    if (!line || /^(%%|accTitle|accDescr|classDef|style|linkStyle|click|direction)\b/.test(line)) continue;
    const classLine = /^class\s+([\w,\s]+?)\s+(\w+)\s*;?$/.exec(line);
    if (classLine) {
      for (const id of classLine[1]!.split(',').map((x) => x.trim())) add(id, { external: classLine[2] === 'external' });
      continue;
    }
    const sub = /^subgraph\s+([A-Za-z_]\w*)/.exec(line);
    if (sub) {
      add(sub[1]!, { subgraph: true });
      continue;
    }
    const rest = stripLabels(line);
    for (const m of rest.matchAll(/([A-Za-z_]\w*)(:::(\w+))?/g)) {
      if (KEYWORDS.has(m[1]!) || /^(o|x)$/.test(m[1]!)) continue;
      add(m[1]!, { external: m[3] === 'external' });
    }
  }
  return [...nodes.values()];
}
