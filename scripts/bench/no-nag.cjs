// Preloaded by the synth benchmark to time an app without cdk-nag: plugins are not registered.
const { Validations } = require('aws-cdk-lib');
Validations.prototype.addPlugins = function addPlugins() {};
