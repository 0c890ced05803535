// Summarises a V8 .cpuprofile (from node:inspector or `node --cpu-prof`): self time by
// function and by package, and inclusive time of chosen functions, per request.
import path from 'node:path';

/** The package or area a frame's script belongs to. */
export function categoryOf(frame) {
  const url = frame.url || '';
  const name = frame.functionName || '';
  if (!url) {
    if (name.startsWith('(')) return name; // (garbage collector), (program), (idle), (root)
    return '(native builtins)';
  }
  const dist = url.indexOf('/dist/cjs/');
  if (dist >= 0 && !url.includes('/node_modules/', url.lastIndexOf('/node_modules/eventtracking/') + 1)) {
    return `eventtracking/${url.slice(dist + '/dist/cjs/'.length).replace(/\.js$/, '')}`;
  }
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + '/node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.startsWith('node:')) {
    const parts = url.slice(5).split('/');
    return `node:${parts[0] === 'internal' ? parts.slice(1, 3).join('/') : parts[0]}`;
  }
  if (url.includes('/bench/')) return 'bench';
  return path.basename(url);
}

function frameKey(frame) {
  const url = frame.url ? frame.url.replace(/^file:\/\//, '') : '';
  const short = url.includes('/dist/cjs/') && !url.slice(url.indexOf('/dist/cjs/')).includes('/node_modules/')
    ? `dist/${url.slice(url.indexOf('/dist/cjs/') + 10)}`
    : url.includes('/node_modules/')
      ? url.slice(url.lastIndexOf('/node_modules/') + 14)
      : url.startsWith('node:')
        ? url
        : path.basename(url);
  return `${frame.functionName || '(anonymous)'}${short ? ` ${short}:${frame.lineNumber + 1}` : ''}`;
}

/**
 * Self and inclusive times (µs) of a profile.
 * @returns {{ total, idle, byFunction: Map, byCategory: Map, inclusive: Map, samples }}
 */
export function analyse(profile) {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map();
  const category = new Map();
  const inclusive = new Map();
  let total = 0;
  let idle = 0;
  const { samples, timeDeltas } = profile;
  for (let i = 0; i < samples.length; i++) {
    const dt = timeDeltas[i + 1] ?? timeDeltas[i] ?? 0;
    const node = nodes.get(samples[i]);
    const frame = node.callFrame;
    total += dt;
    if (frame.functionName === '(idle)') { idle += dt; continue; }
    const key = frameKey(frame);
    self.set(key, (self.get(key) ?? 0) + dt);
    const cat = categoryOf(frame);
    category.set(cat, (category.get(cat) ?? 0) + dt);
    const seen = new Set();
    for (let id = node.id; id !== undefined; id = parent.get(id)) {
      const k = frameKey(nodes.get(id).callFrame);
      if (seen.has(k)) continue;
      seen.add(k);
      inclusive.set(k, (inclusive.get(k) ?? 0) + dt);
    }
  }
  return { total, idle, active: total - idle, self, category, inclusive };
}

const sorted = (map) => [...map.entries()].sort((a, b) => b[1] - a[1]);

/** Plain-text report; `requests` turns times into µs per request. */
export function report(result, requests, { top = 30, inclusiveMatch } = {}) {
  const perReq = (us) => (us / requests).toFixed(2).padStart(8);
  const pct = (us) => `${((us / result.active) * 100).toFixed(1).padStart(5)}%`;
  const lines = [];
  lines.push(`sampled ${(result.total / 1000).toFixed(0)} ms, active (not idle) ${(result.active / 1000).toFixed(0)} ms = ${(result.active / requests).toFixed(1)} µs/request over ${requests} requests`);
  lines.push('', 'self time by package/area (µs/request, % of active):');
  for (const [k, v] of sorted(result.category).slice(0, 25)) lines.push(`  ${perReq(v)}  ${pct(v)}  ${k}`);
  lines.push('', `top ${top} functions by self time (µs/request, % of active):`);
  for (const [k, v] of sorted(result.self).slice(0, top)) lines.push(`  ${perReq(v)}  ${pct(v)}  ${k}`);
  if (inclusiveMatch) {
    lines.push('', 'inclusive time of eventtracking / winston functions (µs/request; nested calls counted in each):');
    for (const [k, v] of sorted(result.inclusive).filter(([k]) => inclusiveMatch(k)).slice(0, 45)) lines.push(`  ${perReq(v)}  ${pct(v)}  ${k}`);
  }
  return lines.join('\n');
}

/** Per-category difference (µs/request) between two analysed profiles. */
export function categoryDiff(a, aRequests, b, bRequests) {
  const keys = new Set([...a.category.keys(), ...b.category.keys()]);
  return [...keys]
    .map((k) => [k, (b.category.get(k) ?? 0) / bRequests - (a.category.get(k) ?? 0) / aRequests])
    .sort((x, y) => y[1] - x[1]);
}
