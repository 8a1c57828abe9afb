import {
  deleteDatabase,
  openDatabase,
  type Database,
  type DatabaseTable,
  type Durability,
  type PushResult,
} from '../../src/index';
import { benchFile, benchName } from '../engine-fixture';
import type { Peer } from './peer';

/**
 * The library as a peer: `openDatabase` + `db.table()`, `set()`, `push()`, with the default
 * durability (`strict`) unless told otherwise.
 */
export class LibraryPeer implements Peer {
  readonly name = 'pandalchemy';
  readonly #name = benchName('peer');
  readonly #durability: Durability | undefined;

  constructor(durability?: Durability) {
    this.#durability = durability;
  }
  #db: Database | null = null;
  #table: DatabaseTable | null = null;
  /** What each `save()` pushed reported (the engine's own apply and persist times). */
  readonly pushes: PushResult[] = [];

  async create(rows: number): Promise<void> {
    const db = await openDatabase(this.#name);
    await db.import(await benchFile(rows));
    await db.close();
  }

  async load(): Promise<void> {
    this.#db = await openDatabase(
      this.#name,
      this.#durability ? { durability: this.#durability } : {},
    );
    this.#table = await this.#db.table('bench');
  }

  async edit(ids: readonly number[], first: number): Promise<void> {
    const t = this.#table!;
    for (let i = 0; i < ids.length; i++) t.set(ids[i]!, 'qty', first + i);
  }

  async discard(): Promise<void> {
    this.#table!.discard();
  }

  async save(ids: readonly number[], first: number): Promise<void> {
    await this.edit(ids, first);
    this.pushes.push(await this.#table!.push());
  }

  async unload(): Promise<void> {
    await this.#db?.close();
    this.#db = null;
    this.#table = null;
  }

  async destroy(): Promise<void> {
    await this.unload();
    await deleteDatabase(this.#name);
  }
}
