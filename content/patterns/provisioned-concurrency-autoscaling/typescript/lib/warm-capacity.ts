import { TimeZone } from 'aws-cdk-lib';
import { Schedule } from 'aws-cdk-lib/aws-applicationautoscaling';
import { Alias, type IVersion } from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';

/**
 * How many pre-initialised environments the live alias keeps. Every one of them is billed around the
 * clock and is taken from the Region's concurrency quota, so the floor stays small and the ceiling
 * modest: Lambda keeps 100 of the account's concurrency unreserved, so a ceiling of 10 needs an
 * account quota of at least 110.
 */
export const WARM_CAPACITY = {
  /** Nights and weekends: one environment answers the occasional request without a cold start. */
  offHoursFloor: 1,
  /** Weekdays: a second one, so two requests at once are both served warm. */
  businessHoursFloor: 2,
  /** The most target tracking may provision; requests beyond it still run, on standard concurrency. */
  ceiling: 10,
  /** Scale out when more than 70 per cent of the provisioned environments are busy. */
  utilizationTarget: 0.7,
  /** Raised a quarter of an hour early: allocating environments takes a minute or two. */
  businessHoursStart: Schedule.cron({ minute: '45', hour: '7', weekDay: 'MON-FRI' }),
  /** The Friday evening action also covers the weekend: nothing raises the floor until Monday. */
  businessHoursEnd: Schedule.cron({ minute: '0', hour: '19', weekDay: 'MON-FRI' }),
  /** Business hours are local hours; a cron in UTC would move by an hour twice a year. */
  defaultTimeZone: 'Europe/Berlin',
} as const;

/**
 * The alias callers invoke, with provisioned concurrency that follows office hours and load.
 * Provisioned concurrency can only sit on a version or an alias, never on $LATEST.
 */
export function addWarmCapacity(scope: Construct, version: IVersion): Alias {
  const configured: unknown = scope.node.tryGetContext('businessTimeZone');
  const timeZone = TimeZone.of(typeof configured === 'string' && configured.trim() !== '' ? configured.trim() : WARM_CAPACITY.defaultTimeZone);

  const live = new Alias(scope, 'LiveAlias', {
    aliasName: 'live',
    version,
    // The floor CloudFormation sets with each new version; Application Auto Scaling takes it from there.
    provisionedConcurrentExecutions: WARM_CAPACITY.offHoursFloor,
  });

  const scaling = live.addAutoScaling({ minCapacity: WARM_CAPACITY.offHoursFloor, maxCapacity: WARM_CAPACITY.ceiling });
  scaling.scaleOnUtilization({ utilizationTarget: WARM_CAPACITY.utilizationTarget });
  scaling.scaleOnSchedule('BusinessHoursFloor', {
    schedule: WARM_CAPACITY.businessHoursStart,
    minCapacity: WARM_CAPACITY.businessHoursFloor,
    timeZone,
  });
  scaling.scaleOnSchedule('OffHoursFloor', {
    schedule: WARM_CAPACITY.businessHoursEnd,
    minCapacity: WARM_CAPACITY.offHoursFloor,
    timeZone,
  });
  return live;
}
