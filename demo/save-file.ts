/** Offers `blob` to the user as a download named `fileName`. */
export function saveFile(fileName: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.click();
  // The browser reads the blob after the click returns: free it once it surely has.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
