#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { TheAlexaSkillStack } from '../lib/the-alexa-skill-stack';

const app = new App();
new TheAlexaSkillStack(app, 'TheAlexaSkillStack', {
  description: 'The Alexa Skill: an Alexa skill, its Lambda fulfilment and a DynamoDB tally table.',
});

// Both rule packs run on every synth; any unacknowledged error stops the synth.
// Acknowledged findings are written into the template so their reasons travel with it.
Validations.of(app).addPlugins(
  new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }),
  new ServerlessChecks(app, { writeSuppressionsToCloudFormation: true }),
);
