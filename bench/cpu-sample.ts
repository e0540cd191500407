import { readdirSync, readFileSync } from 'node:fs';
export function cpuTicks(): Map<string, { name: string; ticks: number; sys: number }> {
  const out = new Map<string, { name: string; ticks: number; sys: number }>();
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const name = stat.slice(stat.indexOf('(') + 1, close);
      const f = stat.slice(close + 2).split(' ');
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').slice(0, 80);
      out.set(pid, {
        name: `${name} ${cmd}`,
        ticks: Number(f[11]) + Number(f[12]),
        sys: Number(f[12]),
      });
    } catch {}
  }
  return out;
}
export function cpuReport(
  before: ReturnType<typeof cpuTicks>,
  after: ReturnType<typeof cpuTicks>,
  seconds: number,
): string {
  const rows: [string, number][] = [];
  for (const [pid, a] of after) {
    const b = before.get(pid)?.ticks ?? 0;
    const d = (a.ticks - b) / 100 / seconds;
    const sys = (a.sys - (before.get(pid)?.sys ?? 0)) / 100 / seconds;
    if (d > 0.03) rows.push([`sys ${(sys * 100).toFixed(0)}% ${pid} ${a.name}`, d]);
  }
  return rows
    .sort((x, y) => y[1] - x[1])
    .map(([n, d]) => `  ${(d * 100).toFixed(0).padStart(4)}% ${n}`)
    .join('\n');
}
