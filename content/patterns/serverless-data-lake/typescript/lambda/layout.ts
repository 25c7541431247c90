/**
 * Where things live in the lake. The stack (bucket notification, IAM grants, Glue table) and the
 * transform import the same values, so a prefix cannot drift between the two.
 */

/** Raw uploads must land under this prefix to be transformed. */
export const RAW_PREFIX = 'incoming/';

/** The curated dataset: the Glue table's location, one `dt=YYYY-MM-DD/` folder per event day. */
export const CURATED_PREFIX = 'orders/';

/** Lines (or whole objects) the transform refused, with the reason, for a person to look at. */
export const QUARANTINE_PREFIX = 'quarantine/';

/** The Glue table's name inside the lake database. */
export const TABLE_NAME = 'orders';

/**
 * First day partition projection lets Athena query. The transform quarantines older records
 * instead of writing them to a folder no query would ever read.
 */
export const EARLIEST_DATE = '2020-01-01';
