/**
 * State a React component reads with `useSyncExternalStore`: `subscribe` and `version` go to the
 * hook as they are; a subclass calls `changed()` after each change it makes.
 */
export class ExternalStore {
  readonly #listeners = new Set<() => void>();
  #version = 0;

  readonly subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  readonly version = (): number => this.#version;

  protected changed(): void {
    this.#version++;
    for (const l of this.#listeners) l();
  }
}
