// Every code block of README.md and docs/*.md, run as test/docs/README.md describes: a
// JavaScript block that is not run, or whose run fails its fixture's checks or prints
// something else than the page shows, fails here.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHROMIUM } from '../browser/chromium';
import { planPage, type BlockRun } from './plan';
import { limitConcurrency, removePageFiles, runBlock, writePageFiles } from './run-block';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { findFixture } = require('./fixtures/index.cjs') as { findFixture(name: string): { needs?: 'chromium' | 'redis' } };

const ROOT = join(__dirname, '..', '..');
const DOC_PAGES = readdirSync(join(ROOT, 'docs'))
  .filter((name) => name.endsWith('.md'))
  .sort()
  .map((name) => `docs/${name}`);
const PAGES = ['README.md', ...DOC_PAGES];
const limit = limitConcurrency(2);

/** Why a real part a fixture needs is missing here, or undefined when it is present. */
const missingPart = memoize((part: 'chromium' | 'redis'): string | undefined => {
  if (part === 'chromium') return existsSync(CHROMIUM) ? undefined : `${CHROMIUM} is missing; install Debian's chromium, as .ci/run does`;
  try {
    const probe = `const c = require('redis').createClient({ url: 'redis://127.0.0.1:6379', socket: { reconnectStrategy: false, connectTimeout: 3000 } });
      c.on('error', () => {}); c.connect().then(() => c.close()).then(() => process.exit(0), () => process.exit(1));`;
    execFileSync(process.execPath, ['-e', probe], { cwd: ROOT, timeout: 8000, stdio: 'ignore' });
    return undefined;
  } catch {
    return 'Redis does not answer on 127.0.0.1:6379; start redis-server, as .ci/run does';
  }
});

const REQUIRE_FLAG = { chromium: 'REQUIRE_BROWSER', redis: 'REQUIRE_REDIS' } as const;

function memoize<A, R>(compute: (argument: A) => R): (argument: A) => R {
  const known = new Map<A, R>();
  return (argument) => {
    if (!known.has(argument)) known.set(argument, compute(argument));
    return known.get(argument) as R;
  };
}

function title(run: BlockRun): string {
  return `line ${run.block.line}: ${run.block.language} block${run.fixture ? ` (${run.fixture})` : ' (its output)'}`;
}

async function expectBlockToPass(run: BlockRun, dir: () => string): Promise<void> {
  const result = await limit(() => runBlock(run, dir()));
  const shown = `\n--- stdout ---\n${result.stdout}--- stderr ---\n${result.stderr}`;
  if (result.exit !== 0) throw new Error(`the block failed (exit ${result.exit})${shown}`);
  if (run.output !== undefined && result.stdout !== run.output) {
    throw new Error(`the block printed something else than the page shows.\n--- page ---\n${run.output}${shown}`);
  }
  if (run.output === undefined && !result.verified?.length) throw new Error(`fixture ${run.fixture} reported no check, and the page shows no output to compare${shown}`);
}

describe.each(PAGES)('%s', (page) => {
  const plan = planPage(readFileSync(join(ROOT, page), 'utf8'));
  const runs = plan.filter((item): item is BlockRun => !('problem' in item));
  let dir: string | undefined;
  const pageDir = (): string => (dir ??= writePageFiles(page, runs));
  if (plan.length === 0) it('has no block to run or check', () => expect(plan).toEqual([]));
  else afterAll(() => dir && removePageFiles(dir));

  for (const item of plan) {
    if ('problem' in item) {
      it(`line ${item.block.line}: ${item.block.language || 'unlabelled'} block`, () => {
        throw new Error(`${page}:${item.block.line}: ${item.problem}`);
      });
      continue;
    }
    const part = item.fixture ? findFixture(item.fixture).needs : undefined;
    const missing = part && missingPart(part);
    if (part && missing) {
      if (process.env[REQUIRE_FLAG[part]] === '1') {
        it(title(item), () => {
          throw new Error(`${REQUIRE_FLAG[part]}=1 but ${missing}`);
        });
      } else {
        console.warn(`\n*** SKIPPED ${page}:${item.block.line}: ${missing}. Set ${REQUIRE_FLAG[part]}=1 to fail instead of skipping. ***\n`);
        it.skip(title(item), () => undefined);
      }
      continue;
    }
    it.concurrent(title(item), () => expectBlockToPass(item, pageDir), 120000);
  }
});

describe('the docs map', () => {
  it('links every page of docs/ from the README', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    expect(DOC_PAGES.filter((page) => !readme.includes(`](${page})`))).toEqual([]);
  });

  it('finds pages and blocks to run', () => {
    expect(DOC_PAGES.length).toBeGreaterThan(0);
    const runs = PAGES.flatMap((page) => planPage(readFileSync(join(ROOT, page), 'utf8')));
    expect(runs.length).toBeGreaterThan(PAGES.length);
  });
});
