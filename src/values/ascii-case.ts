// SQLite folds case and skips space the ASCII way only: in names, declared types and keywords,
// `é` and `É` differ, `ı` is not `i`, and a no-break space is part of a word. JavaScript's
// toUpperCase(), toLowerCase() and trim() are Unicode-wide: `'ınt'.toUpperCase()` is 'INT', which
// SQLite's affinity rules never see in that type.

/** `s` with its ASCII letters in upper case, nothing else changed. */
export function asciiUpper(s: string): string {
  return s.replace(/[a-z]+/g, (m) => m.toUpperCase());
}

/** `s` with its ASCII letters in lower case, nothing else changed. */
export function asciiLower(s: string): string {
  return s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}

/** `s` without the ASCII spaces at its ends (space, tab, line feed, vertical tab, form feed, CR). */
export function asciiTrim(s: string): string {
  return s.replace(/^[ \t\n\v\f\r]+|[ \t\n\v\f\r]+$/g, '');
}
