import { Stack } from 'aws-cdk-lib';
import { CfnDatabase, CfnTable } from 'aws-cdk-lib/aws-glue';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { CURATED_PREFIX, EARLIEST_DATE, TABLE_NAME } from '../lambda/layout';

/** The curated table's columns, in the order the transform writes them. */
export const ORDER_COLUMNS: CfnTable.ColumnProperty[] = [
  { name: 'order_id', type: 'string', comment: 'orderId of the raw record' },
  { name: 'customer_id', type: 'string' },
  { name: 'placed_at', type: 'timestamp', comment: 'Event time in UTC; dt is its date' },
  { name: 'total', type: 'double' },
  { name: 'currency', type: 'string', comment: 'ISO 4217 code, upper case' },
  { name: 'source_key', type: 'string', comment: 'Raw object the row came from' },
  { name: 'source_line', type: 'int', comment: 'Line number in that object' },
];

/**
 * The Glue Data Catalog entries Athena reads: a database and the curated `orders` table.
 * Partitions are projected from the table's properties, so no crawler runs and no partition is
 * ever added: a new `dt=` folder is queryable the moment its first object lands.
 */
export class LakeCatalog extends Construct {
  readonly databaseName: string;
  readonly tableName = TABLE_NAME;

  constructor(scope: Construct, id: string, props: { curated: IBucket }) {
    super(scope, id);
    const stack = Stack.of(this);
    // Athena wants lower-case letters, digits and underscores; derived from the stack name so two
    // stacks in one account cannot collide.
    this.databaseName = `${stack.stackName.toLowerCase().replace(/[^a-z0-9]+/g, '_')}_lake`;

    const database = new CfnDatabase(this, 'LakeDatabase', {
      catalogId: stack.account,
      databaseInput: { name: this.databaseName, description: 'Curated zone of the serverless data lake.' },
    });

    const location = `s3://${props.curated.bucketName}/${CURATED_PREFIX}`;
    new CfnTable(this, 'OrdersTable', {
      catalogId: stack.account,
      // Ref of a Glue database is its name; it also orders the table after the database.
      databaseName: database.ref,
      tableInput: {
        name: TABLE_NAME,
        description: 'Validated orders, one gzip JSON-lines object per raw file and event day.',
        tableType: 'EXTERNAL_TABLE',
        partitionKeys: [{ name: 'dt', type: 'string', comment: 'UTC date of placed_at, yyyy-MM-dd' }],
        parameters: {
          classification: 'json',
          compressionType: 'gzip',
          'projection.enabled': 'true',
          'projection.dt.type': 'date',
          'projection.dt.format': 'yyyy-MM-dd',
          // Must start where the transform starts accepting records (EARLIEST_DATE).
          'projection.dt.range': `${EARLIEST_DATE},NOW`,
          'projection.dt.interval': '1',
          'projection.dt.interval.unit': 'DAYS',
          'storage.location.template': `${location}dt=\${dt}/`,
        },
        storageDescriptor: {
          location,
          columns: ORDER_COLUMNS,
          compressed: true,
          inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
          outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
          serdeInfo: { serializationLibrary: 'org.apache.hive.hcatalog.data.JsonSerDe' },
        },
      },
    });
  }
}
