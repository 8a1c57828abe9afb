import { READ_FORMATS, type DraftBase, type DraftHead } from './draft-record';
import { invalid } from './restore-draft';

/** Checks what a draft's head says of itself and of its records. Throws `draft_invalid`. */
export function checkHead(head: DraftHead, records: number): void {
  if (typeof head !== 'object' || head === null) throw invalid('it is not a draft');
  if (!READ_FORMATS.includes(head.format))
    throw invalid(
      `it is of format ${String(head.format)}, this version reads ${READ_FORMATS.join(' and ')}`,
    );
  const b = head.base as DraftBase | undefined;
  if (typeof b !== 'object' || b === null || typeof b.seq !== 'number')
    throw invalid('it does not say what it was made over');
  if (head.records !== records || records < 1) throw invalid('records of it are missing');
}
