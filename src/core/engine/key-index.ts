/**
 * Interns work item keys to slots: an open-addressing hash table of slot numbers in one typed
 * array. A million keys cost one 8 MB array outside the garbage-collected heap instead of a
 * million-entry Map, and nothing for the collector to trace; a key is compared with the key the
 * slot holds, so the table keeps no strings of its own.
 */
export interface KeyIndex {
  readonly size: number;
  get(key: string): number | undefined;
  /** Points a key at a slot (a new key, or one that moves). */
  set(key: string, slot: number): void;
  delete(key: string): void;
  keys(): IterableIterator<string>;
}

const EMPTY = -1;
const GONE = -2;

/** FNV-1a over the UTF-16 code units: short keys like `ERP-17` hash in a few nanoseconds. */
function hashKey(key: string): number {
  let hash = 0x811c9dc5;
  for (let at = 0; at < key.length; at += 1) {
    hash = Math.imul(hash ^ key.charCodeAt(at), 0x01000193);
  }
  return hash >>> 0;
}

/**
 * Creates an index over `keyOf(slot)` with room for about `expected` keys before it grows.
 * `keyOf` must answer for every slot the index points at.
 */
export function createKeyIndex(
  keyOf: (slot: number) => string,
  expected: number,
): KeyIndex {
  let capacity = 16;
  while (capacity < expected * 2) capacity *= 2;
  let table = new Int32Array(capacity).fill(EMPTY);
  let mask = capacity - 1;
  let size = 0;
  let used = 0;

  const find = (key: string): number => {
    let at = hashKey(key) & mask;
    for (;;) {
      const slot = table[at]!;
      if (slot === EMPTY) return -1 - at;
      if (slot !== GONE && keyOf(slot) === key) return at;
      at = (at + 1) & mask;
    }
  };
  const rehash = (): void => {
    const old = table;
    while (capacity < size * 4) capacity *= 2;
    table = new Int32Array(capacity).fill(EMPTY);
    mask = capacity - 1;
    used = 0;
    for (const slot of old) {
      if (slot < 0) continue;
      let at = hashKey(keyOf(slot)) & mask;
      while (table[at] !== EMPTY) at = (at + 1) & mask;
      table[at] = slot;
      used += 1;
    }
  };

  return {
    get size() {
      return size;
    },
    get(key) {
      const at = find(key);
      return at < 0 ? undefined : table[at];
    },
    set(key, slot) {
      const at = find(key);
      if (at >= 0) {
        table[at] = slot;
        return;
      }
      table[-1 - at] = slot;
      size += 1;
      used += 1;
      if (used * 2 > capacity) rehash();
    },
    delete(key) {
      const at = find(key);
      if (at < 0) return;
      table[at] = GONE;
      size -= 1;
    },
    *keys() {
      for (const slot of table) if (slot >= 0) yield keyOf(slot);
      return undefined;
    },
  };
}
