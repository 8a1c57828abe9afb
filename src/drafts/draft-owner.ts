/**
 * Which tab session a draft belongs to. A tab keeps its id across reloads (sessionStorage) and
 * holds a Web Lock named after it while a database is open, so other tabs can tell its drafts
 * from those nobody holds: a tab that closed or crashed. A second database opened in the same
 * tab (or a duplicated tab, which copies sessionStorage) finds the lock held and takes a new id.
 */
export interface DraftOwner {
  readonly id: string;
  /** Lets go of the id: its drafts become free to take for the next session without its own. */
  release(): void;
}

function lockName(name: string, id: string): string {
  return `pandalchemy-drafts:${name}:${id}`;
}

function lockManager(): LockManager | null {
  const nav = (globalThis as { navigator?: Navigator }).navigator;
  return nav?.locks ?? null;
}

function tabId(name: string): string | null {
  try {
    return globalThis.sessionStorage?.getItem(`pandalchemy-drafts:${name}`) ?? null;
  } catch {
    return null; // Storage denied (a sandboxed frame): each session is its own.
  }
}

function keepTabId(name: string, id: string): void {
  try {
    globalThis.sessionStorage?.setItem(`pandalchemy-drafts:${name}`, id);
  } catch {
    // As above: without sessionStorage a reload cannot find its drafts, other tabs still can.
  }
}

/** Holds the lock named `id` until released; resolves null when another session holds it. */
function hold(locks: LockManager, name: string, id: string): Promise<DraftOwner | null> {
  return new Promise((resolve, reject) => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    locks
      .request(lockName(name, id), { ifAvailable: true }, (lock) => {
        if (!lock) {
          resolve(null);
          return undefined;
        }
        resolve({ id, release });
        return held;
      })
      .catch(reject);
  });
}

export async function claimOwner(name: string): Promise<DraftOwner> {
  const locks = lockManager();
  const kept = tabId(name);
  if (!locks) {
    const id = kept ?? crypto.randomUUID();
    keepTabId(name, id);
    return { id, release: () => undefined };
  }
  if (kept !== null) {
    const owner = await hold(locks, name, kept);
    if (owner) return owner;
  }
  const owner = (await hold(locks, name, crypto.randomUUID()))!;
  if (kept === null) keepTabId(name, owner.id);
  return owner;
}

/** Ids of the sessions open now, in any tab; null when the browser cannot tell (no Web Locks). */
export async function liveOwners(name: string): Promise<Set<string> | null> {
  const locks = lockManager();
  if (!locks) return null;
  const prefix = lockName(name, '');
  const { held = [], pending = [] } = await locks.query();
  const ids = new Set<string>();
  for (const l of [...held, ...pending])
    if (l.name?.startsWith(prefix)) ids.add(l.name.slice(prefix.length));
  return ids;
}
