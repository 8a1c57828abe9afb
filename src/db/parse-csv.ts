import { PandalchemyError } from '../errors/pandalchemy-error';
import { describeValue } from '../values/codec';

const LF = 10;
const CR = 13;
const QUOTE = 34;

/** The header and the fields of a CSV text, column by column. */
export interface CsvColumns {
  readonly names: string[];
  /** One array of fields per name, in the header's order. */
  readonly columns: string[][];
}

/**
 * Splits CSV text into its header and columns of fields (text, untyped). Records end at `\n`,
 * `\r\n` or `\r`; a field that starts with `"` runs to the closing quote (`""` is a quote, line
 * breaks inside are data); a quote further into a field is an ordinary character. Blank lines are
 * skipped (no row of NULLs), and so is a byte-order mark at the start. Ragged records, an open
 * quote and text after a closing quote are refused with `invalid_argument`.
 *
 * Arquero's own reader is not used: it keeps blank lines as rows, and stores its columns in a plain
 * object, where a header such as `valueOf` or `hasOwnProperty` broke it.
 *
 * @example
 * ```ts
 * parseCsv('\uFEFFid,v\n1,"a\nb"\n\n2,c\n') // { names: ['id', 'v'], columns: [['1', '2'], ['a\nb', 'c']] }
 * ```
 */
export function parseCsv(text: string, delimiter: unknown = ','): CsvColumns {
  const d = delimiterCode(delimiter);
  const n = text.length;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  let names: string[] | null = null;
  let columns: string[][] = [];
  while (i < n) {
    const first = text.charCodeAt(i);
    if (first === LF || first === CR) {
      i += first === CR && text.charCodeAt(i + 1) === LF ? 2 : 1;
      line++;
      continue;
    }
    const recordLine = line;
    const fields: string[] = [];
    for (;;) {
      if (text.charCodeAt(i) === QUOTE) {
        let value = '';
        let from = i + 1;
        for (;;) {
          const close = text.indexOf('"', from);
          if (close < 0) {
            throw bad(
              `CSV text ends inside the quoted field that starts at line ${line}: close the quote (a quote inside a quoted field is written "").`,
            );
          }
          value += text.slice(from, close);
          if (text.charCodeAt(close + 1) === QUOTE) {
            value += '"';
            from = close + 2;
            continue;
          }
          line += lineBreaks(text, i, close);
          i = close + 1;
          break;
        }
        const after = text.charCodeAt(i);
        if (i < n && after !== d && after !== LF && after !== CR) {
          throw bad(
            `CSV record at line ${line} has text after the closing quote of a field: quote the whole field, and write a quote inside it as "".`,
          );
        }
        fields.push(value);
      } else {
        let j = i;
        for (; j < n; j++) {
          const c = text.charCodeAt(j);
          if (c === d || c === LF || c === CR) break;
        }
        fields.push(text.slice(i, j));
        i = j;
      }
      if (i < n && text.charCodeAt(i) === d) i++;
      else break;
    }
    if (i < n) {
      i += text.charCodeAt(i) === CR && text.charCodeAt(i + 1) === LF ? 2 : 1;
      line++;
    }
    if (names === null) {
      names = fields;
      columns = fields.map(() => []);
    } else if (fields.length !== names.length) {
      throw bad(
        `CSV record at line ${recordLine} has ${fields.length} field(s); the header has ${names.length}. Fix the file: every record needs the same number of fields.`,
      );
    } else {
      for (let c = 0; c < fields.length; c++) columns[c]!.push(fields[c]!);
    }
  }
  if (names === null) {
    throw bad(
      'CSV text is empty: give it a header line naming the columns, then one line per row.',
    );
  }
  return { names, columns };
}

function delimiterCode(delimiter: unknown): number {
  if (
    typeof delimiter !== 'string' ||
    delimiter.length !== 1 ||
    delimiter === '"' ||
    delimiter === '\n' ||
    delimiter === '\r'
  ) {
    throw bad(
      `{ csv }'s delimiter is one character other than a quote or a line break, such as ',', ';', '\\t' or '|'; got ${describeValue(delimiter)}. For a delimiter of several characters, convert the text to a one-character delimiter first.`,
    );
  }
  return delimiter.charCodeAt(0);
}

/** Line breaks (`\n`, `\r\n` or a lone `\r`) in `text` between `from` and `to`. */
function lineBreaks(text: string, from: number, to: number): number {
  let count = 0;
  for (let k = from; k < to; k++) {
    const c = text.charCodeAt(k);
    if (c === LF || (c === CR && text.charCodeAt(k + 1) !== LF)) count++;
  }
  return count;
}

function bad(message: string): PandalchemyError {
  return new PandalchemyError('invalid_argument', message);
}
