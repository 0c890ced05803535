// Per-thread CPU of scenario servers: which threads pay for the added cost?
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, installSnapshot, killAll } from './lib/child.mjs';
import { load } from './lib/load.mjs';
const variants = process.argv[2].split(',');
const requests = Number(process.argv[3] ?? 20000);
const execArgv = (process.argv[4] ?? '').split(' ').filter(Boolean);
installSnapshot();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'exp-'));
const tick = 1e6 / 100; // µs per clock tick
function threads(pid) {
  const out = {};
  for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const name = tid === String(pid) ? 'main' : comm.replace(/\d+$/, '#');
      out[name] = (out[name] ?? 0) + (Number(f[11]) + Number(f[12])) * tick;
    } catch {}
  }
  return out;
}
const servers = {};
for (const v of variants) servers[v] = await startServer(v, tmp, execArgv);
for (const v of variants) { await servers[v].call('begin'); await load(servers[v].port, { amount: 5000, connections: 20 }); await servers[v].call('end'); }
const totals = {};
for (let r = 0; r < 3; r++) for (const v of (r % 2 ? [...variants].reverse() : variants)) {
  const s = servers[v];
  await s.call('begin');
  const before = threads(s.pid);
  await load(s.port, { amount: requests, connections: 20 });
  const ended = await s.call('end');
  const after = threads(s.pid);
  totals[v] ??= {};
  for (const k of Object.keys(after)) totals[v][k] = (totals[v][k] ?? 0) + (after[k] - (before[k] ?? 0)) / requests / 3;
  totals[v].cpuUsage = (totals[v].cpuUsage ?? 0) + ended.cpuMicros / ended.requests / 3;
}
for (const v of variants) console.log(v, Object.entries(totals[v]).map(([k, x]) => `${k} ${x.toFixed(1)}`).join(', '));
for (const s of Object.values(servers)) await s.stop();
killAll();
process.exit(0);
