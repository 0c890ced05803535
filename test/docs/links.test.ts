// The links between the README and the pages of docs/ lead somewhere: to a file that
// exists and, for `#anchor` links into a Markdown page, to one of its headings.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const PAGES = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`)];

/** The text of a page without its code blocks (a link in an example is not a link). */
function prose(page: string): string {
  return readFileSync(join(ROOT, page), 'utf8').replace(/^\s*(`{3,}|~{3,})[\s\S]*?^\s*\1\s*$/gm, '');
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens; repeats get -1, -2... */
function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  for (const match of markdown.matchAll(/^#{1,6}\s+(.+?)\s*#*$/gm)) {
    const base = (match[1] as string).toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
    let anchor = base;
    for (let n = 1; anchors.has(anchor); n++) anchor = `${base}-${n}`;
    anchors.add(anchor);
  }
  return anchors;
}

/** Every relative link target of a page: `[text](target)`, images and web addresses left out. */
function relativeLinks(page: string): string[] {
  return [...prose(page).matchAll(/(?<!!)\[[^\]]*\]\(([^)\s]+)\)/g)]
    .map((match) => match[1] as string)
    .filter((target) => !/^[a-z]+:/i.test(target));
}

describe.each(PAGES)('the links of %s', (page) => {
  it('lead to files that exist and to headings of the pages they name', () => {
    const broken: string[] = [];
    for (const target of relativeLinks(page)) {
      const [path = '', anchor] = target.split('#');
      const file = path === '' ? page : normalize(join(dirname(page), path));
      if (relative(ROOT, join(ROOT, file)).startsWith('..') || !existsSync(join(ROOT, file))) {
        broken.push(`${target}: no file ${file}`);
      } else if (anchor !== undefined && file.endsWith('.md') && !headingAnchors(prose(file)).has(anchor)) {
        broken.push(`${target}: no heading #${anchor} in ${file}`);
      }
    }
    expect(broken).toEqual([]);
  });
});

describe('headingAnchors', () => {
  it('makes GitHub’s anchors', () => {
    expect([...headingAnchors('# `new Tracker(options)`\n## What a line of tracking.log looks like\n### Engines of your own: `registerEngine`, `option`\n## Koa\n## Koa\n')]).toEqual([
      'new-trackeroptions',
      'what-a-line-of-trackinglog-looks-like',
      'engines-of-your-own-registerengine-option',
      'koa',
      'koa-1',
    ]);
  });
});
