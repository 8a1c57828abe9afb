/** Listeners of one kind of event, called in registration order, each one's errors isolated. */
export class Listeners<T> {
  readonly #listeners = new Set<(event: T) => void>();

  on(listener: (event: T) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  emit(event: T): void {
    for (const l of this.#listeners) {
      try {
        l(event);
      } catch (e) {
        // A failing listener must not stop the others, nor the work that emitted the event.
        queueMicrotask(() => {
          throw e;
        });
      }
    }
  }

  clear(): void {
    this.#listeners.clear();
  }
}
