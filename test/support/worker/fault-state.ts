import type { Fault } from './fault-api';

/** The armed fault, shared by the faulty parts of one test worker. */
export class FaultState {
  #fault: Fault | null = null;
  #hit = false;

  arm(fault: Fault | null): void {
    this.#fault = fault;
    this.#hit = false;
  }

  get hit(): boolean {
    return this.#hit;
  }

  /** The armed fault if `matches` it: it fires (once, unless it hangs). */
  take<F extends Fault>(matches: (fault: Fault) => fault is F): F | null {
    const fault = this.#fault;
    if (!fault || !matches(fault)) return null;
    this.#hit = true;
    if (!('action' in fault) || fault.action !== 'hang') this.#fault = null;
    return fault;
  }
}
