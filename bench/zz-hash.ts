import { createKeyIndex } from '../src/core/engine/key-index.ts';
const n = 1_000_000;
const items = Array.from({ length: n }, (_, i) => ({ key: `P${(i / 10) | 0}-${i % 10}`, summary: 'x'.repeat(i % 7), a: i }));
const lookups = Array.from({ length: n }, (_, i) => `P${((i * 7919) % n / 10) | 0}-${(i * 7919) % 10}`);
const t = (name: string, f: () => unknown) => { const c = process.cpuUsage(); const s = performance.now(); f(); const u = process.cpuUsage(c); console.log(name.padEnd(14), (performance.now() - s).toFixed(0), 'wall', ((u.user + u.system) / 1000).toFixed(0), 'cpu'); };
for (let r = 0; r < 3; r++) {
  let m = new Map<string, number>(); t('map set', () => { for (let i = 0; i < n; i++) m.set(items[i]!.key, i); });
  t('map get', () => { let s = 0; for (let i = 0; i < n; i++) s += m.get(lookups[i]!) ?? 0; return s; });
  const k = createKeyIndex(n); t('idx set', () => { for (let i = 0; i < n; i++) k.set(items[i]!.key, i); });
  t('idx get', () => { let s = 0; for (let i = 0; i < n; i++) s += k.get(lookups[i]!) ?? 0; return s; });
}
