/**
 * Interns keys (work item keys, milestone ids) to positions: an open-addressing hash table whose
 * positions and hashes live in typed arrays beside one array of the keys. A million keys cost
 * three flat arrays instead of a million-entry Map; a probe compares a 32-bit hash before it
 * compares text.
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
  // Fold the high bits in: the table reads the low ones.
  return (hash ^ (hash >>> 16)) | 0;
}

/** Creates an index with room for about `expected` keys before it grows. */
export function createKeyIndex(expected = 16): KeyIndex {
  let capacity = 16;
  while (capacity < expected * 2) capacity *= 2;
  let positions = new Int32Array(capacity).fill(EMPTY);
  let hashes = new Int32Array(capacity);
  let keys = new Array<string>(capacity).fill('');
  let mask = capacity - 1;
  let size = 0;
  let used = 0;

  /** The table index holding the key, or −1 − the index where it would go. */
  const find = (key: string, hash: number): number => {
    let at = hash & mask;
    let free = -1;
    for (;;) {
      const position = positions[at]!;
      if (position === EMPTY) return -1 - (free >= 0 ? free : at);
      if (position === GONE) {
        if (free < 0) free = at;
      } else if (hashes[at] === hash && keys[at] === key) {
        return at;
      }
      at = (at + 1) & mask;
    }
  };
  const grow = (): void => {
    const oldPositions = positions;
    const oldHashes = hashes;
    const oldKeys = keys;
    while (capacity < size * 4) capacity *= 2;
    positions = new Int32Array(capacity).fill(EMPTY);
    hashes = new Int32Array(capacity);
    keys = new Array<string>(capacity).fill('');
    mask = capacity - 1;
    used = size;
    for (let old = 0; old < oldPositions.length; old += 1) {
      if (oldPositions[old]! < 0) continue;
      let at = oldHashes[old]! & mask;
      while (positions[at] !== EMPTY) at = (at + 1) & mask;
      positions[at] = oldPositions[old]!;
      hashes[at] = oldHashes[old]!;
      keys[at] = oldKeys[old]!;
    }
  };

  return {
    get size() {
      return size;
    },
    get(key) {
      const at = find(key, hashKey(key));
      return at < 0 ? undefined : positions[at];
    },
    set(key, position) {
      const hash = hashKey(key);
      const at = find(key, hash);
      if (at >= 0) {
        positions[at] = position;
        return;
      }
      const free = -1 - at;
      if (positions[free] === EMPTY) used += 1;
      positions[free] = position;
      hashes[free] = hash;
      keys[free] = key;
      size += 1;
      if (used * 2 > capacity) grow();
    },
    delete(key) {
      const at = find(key, hashKey(key));
      if (at < 0) return;
      positions[at] = GONE;
      keys[at] = '';
      size -= 1;
    },
    *keys() {
      for (let at = 0; at < positions.length; at += 1) if (positions[at]! >= 0) yield keys[at]!;
      return undefined;
    },
  };
}
