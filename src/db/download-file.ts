/**
 * Offers bytes as a file download in a page: a link to a blob URL, clicked, and the URL revoked
 * once the browser has surely started the download.
 *
 * @example
 * ```ts
 * downloadFile(await db.export(), 'shop.sqlite', 'application/vnd.sqlite3');
 * ```
 */
export function downloadFile(bytes: Uint8Array, filename: string, type: string): void {
  const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
