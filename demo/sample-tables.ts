import { random, type Random } from './random';

/** A value as SQLite stores it in the sample: text, a number, or NULL. */
export type SampleValue = string | number | null;

/** A table of the sample database: its schema as SQL and its rows in stored form. */
export interface SampleTable {
  readonly name: string;
  /** CREATE TABLE with the constraints a real database has (foreign key, CHECK, UNIQUE). */
  readonly ddl: string;
  /** Values per column as SQLite stores them: dates as text, booleans as 0/1. */
  readonly columns: Readonly<Record<string, readonly SampleValue[]>>;
}

const FIRST = [
  'Ada',
  'Grace',
  'Alan',
  'Edsger',
  'Barbara',
  'Donald',
  'Margaret',
  'Linus',
  'Frances',
  'Ken',
  'Radia',
  'Tim',
  'Hedy',
  'Niklaus',
  'Sophie',
  'John',
];
const LAST = [
  'Lovelace',
  'Hopper',
  'Turing',
  'Dijkstra',
  'Liskov',
  'Knuth',
  'Hamilton',
  'Torvalds',
  'Allen',
  'Thompson',
  'Perlman',
  'Berners-Lee',
  'Lamarr',
  'Wirth',
  'Wilson',
  'Backus',
];
/** Cities with real postal codes: several start with 0, which a number type would lose. */
const CITIES: readonly (readonly [string, string])[] = [
  ['Dresden', '01067'],
  ['Leipzig', '04109'],
  ['Berlin', '10115'],
  ['Hamburg', '20095'],
  ['Cologne', '50667'],
  ['Frankfurt', '60311'],
  ['Munich', '80331'],
  ['Boston', '02108'],
  ['Portsmouth', '03801'],
  ['Newark', '07102'],
];
const STATUSES = ['new', 'paid', 'shipped', 'cancelled'] as const;
const WAREHOUSES = ['BER-1', 'HAM-2', 'MUC-1'];
const DAY = 86_400_000;

/** Number of rows of each sample table. */
export const SAMPLE_SIZES = { customers: 120, orders: 600, stock: 90 } as const;

/**
 * The tables of the sample database, generated from a fixed seed: customers, their orders (a
 * foreign key), and stock with a composite key (warehouse, sku). Zip codes and SKUs are text that
 * looks numeric ('01067', '000042'), there are DATE, DATETIME and BOOLEAN columns, and NULLs.
 * Customer 1 is always Ada Lovelace of Dresden, so that the end-to-end tests know a row.
 */
export function sampleTables(): SampleTable[] {
  const rnd = random(20_240_601);
  return [customers(rnd), orders(rnd), stock(rnd)];
}

function customers(rnd: Random): SampleTable {
  const n = SAMPLE_SIZES.customers;
  const c = columnsOf(['id', 'name', 'email', 'zip', 'city', 'signed_up', 'vip', 'notes']);
  for (let id = 1; id <= n; id++) {
    const first = id === 1 ? 'Ada' : rnd.pick(FIRST);
    const last = id === 1 ? 'Lovelace' : rnd.pick(LAST);
    const [city, zip] = id === 1 ? CITIES[0]! : rnd.pick(CITIES);
    c.id.push(id);
    c.name.push(`${first} ${last}`);
    // Some customers gave no e-mail: NULL, which the UNIQUE constraint allows more than once.
    c.email.push(
      id !== 1 && rnd.chance(0.1) ? null : `${first}.${last}.${id}@example.org`.toLowerCase(),
    );
    c.zip.push(zip);
    c.city.push(city);
    c.signed_up.push(day(Date.UTC(2019, 0, 1) + rnd.int(0, 5 * 365) * DAY));
    c.vip.push(rnd.chance(0.15) ? 1 : 0);
    c.notes.push(
      rnd.chance(0.2)
        ? rnd.pick(['prefers e-mail', 'call before delivery', 'invoice by post'])
        : null,
    );
  }
  return {
    name: 'customers',
    ddl: `CREATE TABLE customers (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  email TEXT UNIQUE,
  zip TEXT,
  city TEXT,
  signed_up DATE,
  vip BOOLEAN NOT NULL DEFAULT 0,
  notes TEXT
)`,
    columns: c,
  };
}

function orders(rnd: Random): SampleTable {
  const c = columnsOf(['id', 'customer_id', 'ordered_at', 'status', 'total', 'shipped_on']);
  for (let id = 1; id <= SAMPLE_SIZES.orders; id++) {
    const at = Date.UTC(2023, 0, 1) + rnd.int(0, 2 * 365 * 24 * 60) * 60_000;
    const status = rnd.pick(STATUSES);
    c.id.push(id);
    c.customer_id.push(rnd.int(1, SAMPLE_SIZES.customers));
    c.ordered_at.push(dateTime(at));
    c.status.push(status);
    c.total.push(Math.round(rnd.int(500, 50_000)) / 100);
    c.shipped_on.push(status === 'shipped' ? day(at - (at % DAY) + rnd.int(1, 5) * DAY) : null);
  }
  return {
    name: 'orders',
    ddl: `CREATE TABLE orders (
  id INTEGER PRIMARY KEY,
  customer_id INTEGER NOT NULL REFERENCES customers (id),
  ordered_at DATETIME NOT NULL,
  status TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'paid', 'shipped', 'cancelled')),
  total REAL NOT NULL CHECK (total >= 0),
  shipped_on DATE
)`,
    columns: c,
  };
}

function stock(rnd: Random): SampleTable {
  const c = columnsOf(['warehouse', 'sku', 'qty', 'updated_on']);
  const perWarehouse = SAMPLE_SIZES.stock / WAREHOUSES.length;
  for (const warehouse of WAREHOUSES) {
    for (let i = 1; i <= perWarehouse; i++) {
      c.warehouse.push(warehouse);
      c.sku.push(String(i * 7).padStart(6, '0'));
      c.qty.push(rnd.int(0, 400));
      c.updated_on.push(rnd.chance(0.1) ? null : day(Date.UTC(2024, 0, 1) + rnd.int(0, 300) * DAY));
    }
  }
  return {
    name: 'stock',
    ddl: `CREATE TABLE stock (
  warehouse TEXT NOT NULL,
  sku TEXT NOT NULL,
  qty INTEGER NOT NULL CHECK (qty >= 0),
  updated_on DATE,
  PRIMARY KEY (warehouse, sku)
)`,
    columns: c,
  };
}

function columnsOf<K extends string>(names: readonly K[]): Record<K, SampleValue[]> {
  const out = {} as Record<K, SampleValue[]>;
  for (const n of names) out[n] = [];
  return out;
}

function day(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function dateTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}
