export { ServerlessAntiPatternChecks, antiPatternRules, PACK_NAME } from './pack';
export type { AntiPatternRule } from './rule';
export { checkTemplateFiles, type TemplateFinding } from './check-templates';
