// The figures docs/reliability.md quotes under "Last run": each test records what it
// measured; they are printed at the end of each file and, when RELIABILITY_FIGURES
// names a file, appended to it as JSON lines.
import { appendFileSync } from 'node:fs';

const recorded: Array<{ area: string; figures: Record<string, unknown> }> = [];

/** Records figures of one area (e.g. 'isolation/express'). */
export function recordFigures(area: string, figures: Record<string, unknown>): void {
  recorded.push({ area, figures });
  const file = process.env.RELIABILITY_FIGURES;
  if (file) appendFileSync(file, `${JSON.stringify({ area, ...figures })}\n`);
}

/** Prints what this file recorded (call in afterAll). */
export function printFigures(): void {
  if (recorded.length === 0) return;
  const lines = recorded.map(({ area, figures }) => `  ${area}: ${JSON.stringify(figures)}`);
  console.log(`reliability figures\n${lines.join('\n')}`);
}
