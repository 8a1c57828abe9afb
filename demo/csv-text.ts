/** Delimiters the CSV import offers, by name. */
export const CSV_DELIMITERS = [
  [',', 'comma'],
  [';', 'semicolon'],
  ['\t', 'tab'],
] as const;

export type CsvDelimiter = (typeof CSV_DELIMITERS)[number][0];

/**
 * The first `count` lines of a CSV text split into fields (quoted fields may hold the delimiter,
 * doubled quotes and line breaks), for a preview and for guessing the delimiter.
 *
 * @example
 * ```ts
 * csvRows('a;b\n1;"x;y"', ';', 5); // [['a', 'b'], ['1', 'x;y']]
 * ```
 */
export function csvRows(text: string, delimiter: string, count: number): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length && rows.length < count; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === delimiter) {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (rows.length < count && (field !== '' || row.length)) rows.push([...row, field]);
  return rows;
}

/**
 * The delimiter a CSV text uses: of comma, semicolon and tab, the one that splits the first lines
 * into the same number of fields, most of them (a comma when none splits anything).
 *
 * @example
 * ```ts
 * detectDelimiter('name;city\nAda;Dresden'); // ';'
 * ```
 */
export function detectDelimiter(text: string): CsvDelimiter {
  let best: CsvDelimiter = ',';
  let bestFields = 1;
  for (const [d] of CSV_DELIMITERS) {
    const rows = csvRows(text, d, 20).filter((r) => r.length > 1 || r[0] !== '');
    const fields = rows[0]?.length ?? 1;
    if (fields > bestFields && rows.every((r) => r.length === fields)) {
      best = d;
      bestFields = fields;
    }
  }
  return best;
}
