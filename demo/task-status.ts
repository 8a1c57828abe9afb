import type { Progress } from '../src/index';
import type { TaskProgress } from './playground-types';

/**
 * What the playground is doing: the running task (actions that write are disabled meanwhile) and
 * its progress bar. `onChange` is the owner's re-render.
 */
export class TaskStatus {
  progress: TaskProgress | null = null;
  busy: string | null = null;
  #frame = false;

  constructor(private readonly onChange: () => void) {}

  setBusy(label: string | null): void {
    this.busy = label;
    if (label === null) this.progress = null;
    this.onChange();
  }

  setProgress(label: string, done: number, total: number | null): void {
    this.progress = { label, done, total };
    // Progress may be reported thousands of times a second: render it at most once a frame.
    if (this.#frame) return;
    this.#frame = true;
    requestAnimationFrame(() => {
      this.#frame = false;
      this.onChange();
    });
  }

  /**
   * A progress callback for one task, which goes quiet when the task ends: a report can arrive
   * after the result (they cross the worker boundary on different channels), and would leave a
   * finished task's bar on screen.
   */
  reporter(show: (p: Progress) => [string, number, number | null]): {
    onProgress: (p: Progress) => void;
    end: () => void;
  } {
    let running = true;
    return {
      onProgress: (p) => {
        if (running) this.setProgress(...show(p));
      },
      end: () => {
        running = false;
      },
    };
  }
}
