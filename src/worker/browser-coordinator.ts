import type { Coordinator } from '../engine/storage';

/**
 * Coordination between tabs and workers on one database name: writes take a Web Lock, commits are
 * announced on a BroadcastChannel.
 */
export class BrowserCoordinator implements Coordinator {
  readonly #lock: string;
  readonly #channel: BroadcastChannel;

  constructor(name: string) {
    this.#lock = `pandalchemy:${name}`;
    this.#channel = new BroadcastChannel(`pandalchemy:${name}`);
  }

  withWriteLock<T>(fn: () => Promise<T>): Promise<T> {
    return navigator.locks.request(this.#lock, { mode: 'exclusive' }, fn) as Promise<T>;
  }

  announce(seq: number): void {
    this.#channel.postMessage({ seq });
  }

  onAnnounce(callback: (seq: number) => void): void {
    this.#channel.onmessage = (event: MessageEvent<{ seq?: unknown }>) => {
      if (typeof event.data?.seq === 'number') callback(event.data.seq);
    };
  }

  close(): void {
    this.#channel.close();
  }
}
