// Validates everything under content/ and says what is wrong, file by file.
// The build runs it first so a bad page stops the build before anything slow starts.
import { defaultPaths } from '../lib/content/load';
import { loadCatalogOrExit } from './report-content-errors';

const catalog = loadCatalogOrExit(defaultPaths(), { requireDiagrams: !process.argv.includes('--no-diagrams') });
console.log(`Content: ${catalog.patterns.length} pattern(s), ${catalog.registry.components.length} components, ${catalog.lens.pillars.length} pillars: all valid.`);
