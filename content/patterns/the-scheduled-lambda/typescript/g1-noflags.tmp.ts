import { App, Stack } from 'aws-cdk-lib';
import { writeFileSync } from 'node:fs';
const mod = require(process.argv[2]);
const S = Object.values(mod).find((v: any) => typeof v === 'function' && /Stack$/.test(v.name)) as any;
const app = new App();
const stack: Stack = new S(app, process.argv[3]);
writeFileSync('/tmp/g1-noflags.json', JSON.stringify(app.synth().getStackByName(stack.stackName).template));
