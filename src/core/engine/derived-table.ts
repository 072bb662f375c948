/**
 * A table of derived figures that makes each entry when it is first read and keeps it until the
 * engine says that entity changed. Internal state sits in private fields, so that comparing two
 * tables (a test's deep equality) compares their entries and nothing else.
 */
export class LazyTable<T> implements ReadonlyMap<string, T> {
  readonly #positionOf: (id: string) => number | undefined;
  readonly #entries: () => Iterable<[string, number]>;
  readonly #size: () => number;
  readonly #read: (position: number) => T;
  readonly #made = new Map<number, T>();

  constructor(
    positionOf: (id: string) => number | undefined,
    entries: () => Iterable<[string, number]>,
    size: () => number,
    read: (position: number) => T,
  ) {
    this.#positionOf = positionOf;
    this.#entries = entries;
    this.#size = size;
    this.#read = read;
  }

  get size(): number {
    return this.#size();
  }

  get(id: string): T | undefined {
    const position = this.#positionOf(id);
    return position === undefined ? undefined : this.#at(position);
  }

  has(id: string): boolean {
    return this.#positionOf(id) !== undefined;
  }

  *keys(): MapIterator<string> {
    for (const [id] of this.#entries()) yield id;
    return undefined;
  }

  // Walking a whole table (a million work items) reads each entry once: nothing is kept.
  *values(): MapIterator<T> {
    for (const [, position] of this.#entries()) yield this.#peek(position);
    return undefined;
  }

  *entries(): MapIterator<[string, T]> {
    for (const [id, position] of this.#entries()) yield [id, this.#peek(position)];
    return undefined;
  }

  [Symbol.iterator](): MapIterator<[string, T]> {
    return this.entries();
  }

  forEach(
    callback: (value: T, id: string, table: ReadonlyMap<string, T>) => void,
    thisArg?: unknown,
  ): void {
    for (const [id, value] of this.entries()) callback.call(thisArg, value, id, this);
  }

  get [Symbol.toStringTag](): string {
    return 'DerivedTable';
  }

  /** Forgets what was made for an entity, so that the next read makes it anew. */
  forget(position: number): void {
    this.#made.delete(position);
  }

  /** Forgets everything made so far. */
  forgetAll(): void {
    this.#made.clear();
  }

  #peek(position: number): T {
    return this.#made.get(position) ?? this.#read(position);
  }

  #at(position: number): T {
    let value = this.#made.get(position);
    if (value === undefined) {
      value = this.#read(position);
      this.#made.set(position, value);
    }
    return value;
  }
}
