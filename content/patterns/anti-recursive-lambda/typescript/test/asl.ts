/** The state machine definition of a template, with every intrinsic replaced by a readable placeholder. */
export function definitionOf(stateMachine: { Properties: { DefinitionString: unknown } }): {
  StartAt: string;
  States: Record<string, Record<string, unknown>>;
} {
  const text = (part: unknown): string => {
    if (typeof part === 'string') return part;
    const p = part as Record<string, unknown>;
    if (p['Fn::GetAtt']) return `<${(p['Fn::GetAtt'] as string[]).join('.')}>`;
    if (p.Ref) return `<${String(p.Ref)}>`;
    const join = p['Fn::Join'] as [string, unknown[]] | undefined;
    if (join) return join[1].map(text).join(join[0]);
    return '<?>';
  };
  return JSON.parse(text(stateMachine.Properties.DefinitionString));
}
