import { Entity, ManyToOne, PrimaryKey, PrimaryKeyProp } from '@mikro-orm/core';
import { ReconciliationBatch } from './reconciliation-batch.entity.js';

/**
 * Which gateway objects a running batch has found in the target. "Missing in the target" is
 * then one anti-join in the database instead of a set of every id held in memory; the rows
 * are deleted when the batch ends.
 */
@Entity({ tableName: 'reconciliation_mark' })
export class ReconciliationMark {
  [PrimaryKeyProp]?: ['batch', 'objectId'];
  @ManyToOne(() => ReconciliationBatch, { primary: true, deleteRule: 'cascade' }) batch!: ReconciliationBatch;
  @PrimaryKey({ type: 'string', length: 24 }) objectId!: string;
}
