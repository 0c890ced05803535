// Small statistics and formatting helpers.
export function summary(values) {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return { median: NaN, min: NaN, max: NaN, n: 0 };
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1], n: sorted.length };
}

export function fmt(value, digits = 1) {
  if (typeof value === 'string') return value;
  if (!Number.isFinite(value)) return '-';
  const abs = Math.abs(value);
  if (abs >= 10000) return Math.round(value).toLocaleString('en-US');
  if (abs >= 100) return value.toFixed(0);
  return value.toFixed(digits);
}

/** Renders rows as a plain-text table (columns padded to the widest cell). */
export function table(rows, columns) {
  const cells = [columns.map((c) => c.title), ...rows.map((row) => columns.map((c) => String(c.get(row) ?? '')))];
  const widths = columns.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  const line = (r) => r.map((cell, i) => (columns[i].right ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join(' | ');
  const rule = widths.map((w) => '-'.repeat(w)).join('-|-');
  return [line(cells[0]), rule, ...cells.slice(1).map(line)].join('\n');
}
