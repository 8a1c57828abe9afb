/**
 * Thrown while a save makes its records when the table's stored rows changed under it (a push
 * or a refresh landed between two of its slices): the rows it names are slots of rows that are
 * gone. The save's transaction is aborted, so the draft stays as the save before left it, and
 * the next save writes it whole over the rows as they are now. Not a failure to report.
 */
export class SaveSuperseded extends Error {
  constructor() {
    super('The stored rows changed while the draft was being saved.');
    this.name = 'SaveSuperseded';
  }
}
