// Public API: named re-exports only.
export { TrackedTable } from './table/tracked-table';
export type { ColumnDescription, ChangeCounts, AddColumnSpec } from './table/tracked-table';
export { trackedTable } from './table/tracked-table-from';
export type { TrackedTableOptions } from './table/tracked-table-from';
export type { KeyInput } from './table/key-input';
export type { CellEdit } from './table/edits/set-cell';
export type { RowInput } from './table/edits/insert-rows';
export type { RowPredicate } from './table/edits/delete-rows';
export type { RowExpression, ColumnSource } from './table/edits/bulk-edits';
export type { NewColumn, RetypeOptions, InvalidValues } from './table/edits/schema-edits';
export type { TransformOptions } from './table/edits/transform-table';
export type { OperationInfo, OperationKind } from './table/operation-log';
export type { RowChange, SchemaChange, TableChanges } from './table/row-changes';
export { buildPlan } from './plan/build-plan';
export type { BuildPlanOptions } from './plan/build-plan';
export { planToSql, compileStep } from './plan/compile-sqlite';
export type { CompiledStatement, PlanToSqlOptions } from './plan/compile-sqlite';
export { PLAN_VERSION, PRIORITY } from './plan/execution-plan';
export type * from './plan/execution-plan';
export type { TableDiff } from './plan/table-diff';
export { quoteIdentifier } from './plan/sql-text';
export { PandalchemyError, ConflictError, isPandalchemyError } from './errors/pandalchemy-error';
export type { ConflictDetail, ErrorContext, SerializedError } from './errors/pandalchemy-error';
export type { ErrorCode } from './errors/error-code';
export { ERROR_CODES } from './errors/error-code';
export type { CellValue, SqlValue, RowObject } from './values/sql-value';
export type { ColumnKind } from './values/column-kind';
export { valuesEqual } from './values/values-equal';
export type * from './schema/table-info';
export { openDatabase } from './db/open-database';
export type { OpenDatabaseOptions } from './db/open-database';
export { Database } from './db/database';
export type { Engine } from './db/database';
export { DatabaseTable } from './db/database-table';
export type { RefreshOptions } from './db/database-table';
export type { TableSource, CreateTableOptions } from './db/create-table-steps';
export type { PushOptions, PushResult } from './db/push-result';
export type { ChangeEvent, ChangeListener } from './db/change-emitter';
export type { RebaseConflict, RebasePolicy } from './table/rebase';
export type {
  Progress,
  ProgressCallback,
  CheckpointResult,
  RowPatch,
  TableEffect,
  EngineFault,
} from './protocol/engine-api';
export { deleteDatabase } from './db/delete-database';
