"""The predefined CodeDeploy configurations a reader can pick with `-c deploymentConfig=<name>`."""

from typing import Any

from aws_cdk import aws_codedeploy as codedeploy

# Keyed by the name CodeDeploy gives them without the `CodeDeployDefault.` prefix. All-at-once is
# left out on purpose: it runs the hooks but shifts every caller at once, which is what this
# pattern exists to avoid.
DEPLOYMENT_CONFIGS: dict[str, codedeploy.ILambdaDeploymentConfig] = {
    "LambdaCanary10Percent5Minutes": codedeploy.LambdaDeploymentConfig.CANARY_10_PERCENT_5_MINUTES,
    "LambdaCanary10Percent10Minutes": codedeploy.LambdaDeploymentConfig.CANARY_10_PERCENT_10_MINUTES,
    "LambdaCanary10Percent15Minutes": codedeploy.LambdaDeploymentConfig.CANARY_10_PERCENT_15_MINUTES,
    "LambdaCanary10Percent30Minutes": codedeploy.LambdaDeploymentConfig.CANARY_10_PERCENT_30_MINUTES,
    "LambdaLinear10PercentEvery1Minute": codedeploy.LambdaDeploymentConfig.LINEAR_10_PERCENT_EVERY_1_MINUTE,
    "LambdaLinear10PercentEvery2Minutes": codedeploy.LambdaDeploymentConfig.LINEAR_10_PERCENT_EVERY_2_MINUTES,
    "LambdaLinear10PercentEvery3Minutes": codedeploy.LambdaDeploymentConfig.LINEAR_10_PERCENT_EVERY_3_MINUTES,
    "LambdaLinear10PercentEvery10Minutes": codedeploy.LambdaDeploymentConfig.LINEAR_10_PERCENT_EVERY_10_MINUTES,
}

# Ten percent of callers for five minutes: long enough for one-minute alarms to see the new version.
DEFAULT_DEPLOYMENT_CONFIG = "LambdaCanary10Percent5Minutes"


def deployment_config_from_context(value: Any) -> codedeploy.ILambdaDeploymentConfig:
    """The configuration named by the `deploymentConfig` context value; a typo fails the synth instead of deploying all at once."""
    name = DEFAULT_DEPLOYMENT_CONFIG if value is None else value
    config = DEPLOYMENT_CONFIGS.get(name) if isinstance(name, str) else None
    if config is None:
        raise ValueError(f'Unknown deploymentConfig "{name}". Use one of: {", ".join(DEPLOYMENT_CONFIGS)}.')
    return config
