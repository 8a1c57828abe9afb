// The public API: named re-exports only, each documented in the README ("API"). Classes whose
// instances the library hands out (Database, DatabaseTable, TrackedTable) are types only: they
// are made by openDatabase, db.table() and trackedTable().

// Databases
export { openDatabase } from './db/open-database';
export type { OpenDatabaseOptions } from './db/open-database';
export { deleteDatabase } from './db/delete-database';
export type { Database } from './db/database';
export type { DatabaseTable, RefreshOptions } from './db/database-table';
export type { TableSource } from './db/table-source';
export type { CreateTableOptions, ForeignKeyOption, IndexOption } from './db/create-table-options';
export type { PushOptions, PushResult } from './db/push-result';
export type { ChangeEvent, ChangeListener } from './db/change-emitter';
export type { Drafts, DraftStatus, DraftEvent, DraftListener } from './drafts/drafts';
export type { SyncOptions, SyncStatus, RefusedPush } from './sync/sync-options';
export type { RebaseConflict, RebasePolicy } from './table/rebase';
export type {
  CheckpointResult,
  Durability,
  Progress,
  ProgressCallback,
} from './protocol/engine-api';

// Tracked tables
export { trackedTable } from './table/tracked-table-from';
export type { TrackedTableOptions } from './table/tracked-table-from';
export type {
  TrackedTable,
  ColumnDescription,
  ChangeCounts,
  AddColumnSpec,
} from './table/tracked-table';
export type { KeyInput } from './table/key-input';
export type { CellEdit } from './table/edits/set-cell';
export type { RowInput } from './table/edits/insert-rows';
export type { RowPredicate } from './table/edits/delete-rows';
export type { RowExpression, ColumnSource } from './table/edits/bulk-edits';
export type { NewColumn, RetypeOptions, InvalidValues } from './table/edits/schema-edits';
export type { IndexOptions } from './table/edits/index-edits';
export type { TransformOptions } from './table/edits/transform-table';
export type { OperationInfo, OperationKind } from './table/operation-log';
export type { RowChange, SchemaChange, TableChanges } from './table/row-changes';

// Plans
export { planToSql } from './plan/plan-to-sql';
export type { PlanToSqlOptions } from './plan/plan-to-sql';
export { encodePlan, decodePlan } from './plan/plan-json';
export type {
  ExecutionPlan,
  PlanStep,
  SchemaStep,
  DataStep,
  CreateTableStep,
  DropTableStep,
  RenameColumnStep,
  DropColumnStep,
  AddColumnStep,
  RetypeColumnStep,
  CreateIndexStep,
  DropIndexStep,
  CheckDefinition,
  ForeignKeyDefinition,
  ForeignKeyAction,
  DeleteStep,
  UpdateStep,
  InsertStep,
  Guard,
  ColumnDefinition,
  ColumnDefault,
  ColumnValues,
  TableBasis,
  PlanPass,
} from './plan/execution-plan';
export { quoteIdentifier } from './dialect/quote-identifier';

// Schema and values
export type {
  TableInfo,
  ColumnInfo,
  KeyInfo,
  IndexInfo,
  ForeignKeyInfo,
  TriggerInfo,
} from './schema/table-info';
export type { CellValue, SqlValue, RowObject } from './values/sql-value';
export type { ColumnKind } from './values/column-kind';

// Errors
export {
  PandalchemyError,
  ConflictError,
  ForeignKeyError,
  isPandalchemyError,
} from './errors/pandalchemy-error';
export type {
  ConflictDetail,
  ErrorContext,
  ForeignKeyViolation,
  SerializedError,
} from './errors/pandalchemy-error';
export { ERROR_CODES } from './errors/error-code';
export type { ErrorCode } from './errors/error-code';
