/**
 * Percent-decodes `text` one run of `%XX` escapes at a time: a run that is valid UTF-8
 * is decoded, a malformed one is kept as written. Never throws.
 */
export function decodePercentRuns(text: string): string {
  return text.replace(/(?:%[0-9a-fA-F]{2})+/g, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run;
    }
  });
}
