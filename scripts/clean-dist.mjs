// Empties dist/ before a build, so that a file whose source was moved or deleted is not
// shipped: tsc only ever adds to its output directory.
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

rmSync(join(dirname(fileURLToPath(import.meta.url)), '..', 'dist'), { recursive: true, force: true });
