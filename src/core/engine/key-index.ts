/**
 * Interns keys (work item keys, milestone ids) to positions: an open-addressing hash table whose
 * entries (position, hash) sit side by side in one typed array, beside one array of the keys. A
 * million keys cost two flat arrays instead of a million-entry Map; a probe reads one cache line
 * for position and hash, and compares text only when the 32-bit hashes agree.
 */
export interface KeyIndex {
  readonly size: number;
  get(key: string): number | undefined;
  /** Points a key at a position (a new key, or one whose position changes). */
  set(key: string, position: number): void;
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
  return hash & 0x7fffffff;
}

function emptyEntries(capacity: number): Int32Array {
  const entries = new Int32Array(capacity * 2);
  for (let at = 0; at < entries.length; at += 2) entries[at] = EMPTY;
  return entries;
}

/** Table entries per key: two thirds full at most, so that probes stay short. */
const ROOM = 1.5;

/** Creates an index with room for about `expected` keys before it grows. */
export function createKeyIndex(expected = 16): KeyIndex {
  let capacity = Math.max(16, Math.ceil(expected * ROOM));
  // entries[2i] is the position (or EMPTY, GONE), entries[2i + 1] the key's hash.
  let entries = emptyEntries(capacity);
  let keys = new Array<string>(capacity).fill('');
  let size = 0;
  let used = 0;

  /** The table index holding the key, or −1 − the index where it would go. */
  const find = (key: string, hash: number): number => {
    let at = hash % capacity;
    let free = -1;
    for (;;) {
      const position = entries[at * 2]!;
      if (position === EMPTY) return -1 - (free >= 0 ? free : at);
      if (position === GONE) {
        if (free < 0) free = at;
      } else if (entries[at * 2 + 1] === hash && keys[at] === key) {
        return at;
      }
      at = at + 1 === capacity ? 0 : at + 1;
    }
  };
  const grow = (): void => {
    const oldEntries = entries;
    const oldKeys = keys;
    capacity = Math.ceil(size * ROOM * 2);
    entries = emptyEntries(capacity);
    keys = new Array<string>(capacity).fill('');
    used = size;
    for (let old = 0; old < oldKeys.length; old += 1) {
      const position = oldEntries[old * 2]!;
      if (position < 0) continue;
      const hash = oldEntries[old * 2 + 1]!;
      let at = hash % capacity;
      while (entries[at * 2] !== EMPTY) at = at + 1 === capacity ? 0 : at + 1;
      entries[at * 2] = position;
      entries[at * 2 + 1] = hash;
      keys[at] = oldKeys[old]!;
    }
  };

  return {
    get size() {
      return size;
    },
    get(key) {
      const at = find(key, hashKey(key));
      return at < 0 ? undefined : entries[at * 2];
    },
    set(key, position) {
      const hash = hashKey(key);
      const at = find(key, hash);
      if (at >= 0) {
        entries[at * 2] = position;
        return;
      }
      const free = -1 - at;
      if (entries[free * 2] === EMPTY) used += 1;
      entries[free * 2] = position;
      entries[free * 2 + 1] = hash;
      keys[free] = key;
      size += 1;
      if (used * ROOM > capacity) grow();
    },
    delete(key) {
      const at = find(key, hashKey(key));
      if (at < 0) return;
      entries[at * 2] = GONE;
      keys[at] = '';
      size -= 1;
    },
    *keys() {
      for (let at = 0; at < keys.length; at += 1) if (entries[at * 2]! >= 0) yield keys[at]!;
      return undefined;
    },
  };
}
