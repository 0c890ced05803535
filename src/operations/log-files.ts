/**
 * The files of a rotated log in the order they were written, oldest first, so that
 * `tracking.log*` reads as one history. logrotate's names are understood: numbered
 * (`tracking.log.3.gz`, `tracking.log.2.gz`, `tracking.log.1`: the higher, the
 * older) and dated with `dateext` (`tracking.log-20240501.gz`, `-2024050112`: the
 * earlier, the older), each with or without `.gz`; the file without a suffix is the
 * newest. Files of different logs keep the order in which their first file was
 * given; duplicates are read once.
 */
export function orderRotatedFiles(paths: readonly string[]): string[] {
  const groups = new Map<string, Array<{ path: string; rank: number[] }>>();
  for (const path of new Set(paths)) {
    const { base, rank } = rotationOf(path);
    const group = groups.get(base) ?? [];
    group.push({ path, rank });
    groups.set(base, group);
  }
  return [...groups.values()].flatMap((group) => group.sort((a, b) => compareRanks(a.rank, b.rank)).map((file) => file.path));
}

/** The live file's name and where the file stands among its rotations: [kind, position], older first. */
function rotationOf(path: string): { base: string; rank: number[] } {
  const name = path.endsWith('.gz') ? path.slice(0, -3) : path;
  const numbered = /^(.+)\.(\d{1,6})$/.exec(name);
  if (numbered) return { base: numbered[1] as string, rank: [0, -Number(numbered[2])] };
  const dated = /^(.+)-(\d{8}(?:\d{2}){0,3})$/.exec(name);
  if (dated) return { base: dated[1] as string, rank: [1, Number((dated[2] as string).padEnd(14, '0'))] };
  return { base: name, rank: [2, 0] };
}

function compareRanks(a: number[], b: number[]): number {
  return (a[0] as number) - (b[0] as number) || (a[1] as number) - (b[1] as number);
}
