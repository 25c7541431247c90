#!/usr/bin/env python3
"""The Alexa Skill: an Alexa skill, its Lambda fulfilment and a DynamoDB tally table."""

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from the_alexa_skill.the_alexa_skill_stack import TheAlexaSkillStack

app = cdk.App()
TheAlexaSkillStack(
    app,
    "TheAlexaSkillStack",
    description="The Alexa Skill: an Alexa skill, its Lambda fulfilment and a DynamoDB tally table.",
)

# Both rule packs run on every synth; any unacknowledged error stops the synth.
# Acknowledged findings are written into the template so their reasons travel with it.
cdk.Validations.of(app).add_plugins(
    AwsSolutionsChecks(app, write_suppressions_to_cloud_formation=True),
    ServerlessChecks(app, write_suppressions_to_cloud_formation=True),
)

app.synth()
