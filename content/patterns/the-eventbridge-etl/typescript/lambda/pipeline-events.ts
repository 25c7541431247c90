// The event contract of the pipeline, shared by the stack (rule patterns) and the handlers.
// The extract task keeps its own copy of the names (task/extract.ts); a test checks they agree.

/** Every source starts with this, which is how the observer rule sees the whole pipeline. */
export const SOURCE_PREFIX = 'etl.';
export const EXTRACT_SOURCE = 'etl.extract';
export const TRANSFORM_SOURCE = 'etl.transform';

/** RunTask's startedBy on every extract task; the rule that reports failed tasks matches on it. */
export const TASK_STARTED_BY = 'etl-extractor';

export const ROW_EXTRACTED = 'RowExtracted';
export const FILE_EXTRACTED = 'FileExtracted';
export const ROW_TRANSFORMED = 'RowTransformed';
export const ROW_REJECTED = 'RowRejected';

/** Where a row came from; carried on every row event so any step can be traced to its file. */
export interface RowOrigin {
  bucket: string;
  key: string;
  row: number;
}

export interface RowExtractedDetail extends RowOrigin {
  fields: Record<string, string>;
}

export interface Order {
  orderId: string;
  customer: string;
  amountCents: number;
  currency: string;
  orderDate: string;
}

export interface RowTransformedDetail extends RowOrigin {
  order: Order;
}

export interface RowRejectedDetail extends RowOrigin {
  errors: string[];
}
