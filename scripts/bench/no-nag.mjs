// Preloaded by the synth benchmark to time an app without cdk-nag: plugins are not registered.
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(join(process.cwd(), 'package.json'));
const { Validations } = require('aws-cdk-lib');
Validations.prototype.addPlugins = function addPlugins() {};
