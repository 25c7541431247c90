import { ArnFormat, Names, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { CfnLoggingConfiguration, CfnWebACL, CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';

/** The AWS managed rule groups the web ACL runs, in evaluation order after the rate rule. */
export const MANAGED_RULE_GROUPS = [
  // Known bot and scanner addresses: cheap to check and removes the most noise.
  'AWSManagedRulesAmazonIpReputationList',
  // OWASP-style protections: XSS, oversized bodies, missing user agent, bad URIs, local file inclusion.
  'AWSManagedRulesCommonRuleSet',
  // Request patterns tied to known exploits, such as Log4j JNDI lookups and Host: localhost.
  'AWSManagedRulesKnownBadInputsRuleSet',
] as const;

export type RegionalFirewallProps = {
  /** ARN of the regional resource to protect: an API Gateway REST API stage, an ALB, an AppSync API... */
  readonly resourceArn: string;
  /** How many requests one client IP may send per evaluation window before it is blocked. */
  readonly requestsPerIp: number;
  /** The window the rate rule counts over; WAF accepts 60, 120, 300 or 600 seconds. */
  readonly windowSeconds: 60 | 120 | 300 | 600;
  readonly logRetention?: RetentionDays;
};

const visibility = (metricName: string): CfnWebACL.VisibilityConfigProperty => ({
  metricName,
  cloudWatchMetricsEnabled: true,
  sampledRequestsEnabled: true,
});

/**
 * A WAFv2 web ACL for one regional resource, with its association and its logging.
 * It knows nothing about API Gateway, so the same construct can guard any regional resource.
 */
export class RegionalFirewall extends Construct {
  readonly webAcl: CfnWebACL;
  readonly association: CfnWebACLAssociation;
  readonly logs: LogGroup;

  constructor(scope: Construct, id: string, props: RegionalFirewallProps) {
    super(scope, id);

    const managedRule = (name: string): Omit<CfnWebACL.RuleProperty, 'priority'> => ({
      name,
      statement: { managedRuleGroupStatement: { vendorName: 'AWS', name } },
      // "none" keeps the actions the rule group defines (block); "count" would only observe.
      overrideAction: { none: {} },
      visibilityConfig: visibility(name),
    });

    const rateLimit: Omit<CfnWebACL.RuleProperty, 'priority'> = {
      name: 'RateLimitPerIp',
      statement: {
        rateBasedStatement: {
          aggregateKeyType: 'IP',
          limit: props.requestsPerIp,
          evaluationWindowSec: props.windowSeconds,
        },
      },
      action: { block: { customResponse: { responseCode: 429, customResponseBodyKey: 'too-many-requests' } } },
      visibilityConfig: visibility('RateLimitPerIp'),
    };

    const [reputation, ...otherGroups] = MANAGED_RULE_GROUPS.map(managedRule);
    // The rate rule sits right after the reputation list, so a flood is cut off before
    // the larger rule groups spend capacity on it. Priority is the position in this list.
    const rules = [reputation!, rateLimit, ...otherGroups].map((rule, priority) => ({ ...rule, priority }));

    this.webAcl = new CfnWebACL(this, 'WebAcl', {
      scope: 'REGIONAL',
      description: 'Managed rule groups plus a per-IP rate limit in front of a regional resource.',
      defaultAction: { allow: {} },
      rules,
      customResponseBodies: {
        'too-many-requests': {
          contentType: 'APPLICATION_JSON',
          content: JSON.stringify({ message: 'Too many requests from your address; try again in a minute.' }),
        },
      },
      visibilityConfig: visibility(`${id}WebAcl`),
    });

    this.association = new CfnWebACLAssociation(this, 'Association', {
      resourceArn: props.resourceArn,
      webAclArn: this.webAcl.attrArn,
    });

    // WAF only delivers to log groups whose name starts with "aws-waf-logs-".
    this.logs = new LogGroup(this, 'WafLogs', {
      logGroupName: `aws-waf-logs-${Names.uniqueResourceName(this, { maxLength: 60, separator: '-' })}`,
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    new CfnLoggingConfiguration(this, 'Logging', {
      resourceArn: this.webAcl.attrArn,
      // WAF wants the bare log group ARN; the Arn attribute of a log group ends in ":*".
      logDestinationConfigs: [
        Stack.of(this).formatArn({
          service: 'logs',
          resource: 'log-group',
          resourceName: this.logs.logGroupName,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      ],
      // Keep the log to what needs attention: requests a rule blocked or counted.
      loggingFilter: {
        DefaultBehavior: 'DROP',
        Filters: [
          {
            Behavior: 'KEEP',
            Requirement: 'MEETS_ANY',
            Conditions: [{ ActionCondition: { Action: 'BLOCK' } }, { ActionCondition: { Action: 'COUNT' } }],
          },
        ],
      },
      // Credentials in a header must never land in a log group.
      redactedFields: [{ singleHeader: { Name: 'authorization' } }],
    });
  }
}
