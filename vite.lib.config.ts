import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';
import { dts } from 'rolldown-plugin-dts';
import { defineConfig, type Plugin, type UserConfig } from 'vite';

/**
 * The package's build, in two passes (`npm run build` runs both, the worker first):
 *
 * - `--mode worker`: `dist/pandalchemy-worker.js`, the engine's worker, self-contained (sql.js,
 *   Comlink and idb inside it, so that an app's bundler has no CommonJS to convert in it), and
 *   `dist/sql-wasm.wasm`, which the worker loads from beside itself.
 * - default: `dist/pandalchemy.js`, the library, its dependencies left to the app's bundler. It
 *   starts the worker with `new Worker(new URL('./pandalchemy-worker.js', import.meta.url), …)`,
 *   the pattern that Vite and webpack follow to emit the worker (and, inside it, the wasm).
 *
 * Vite would otherwise inline the wasm and the worker as it does in library mode, or point at
 * them with absolute `/assets/…` URLs that only work on the library's own server.
 */

const WORKER_FILE = 'pandalchemy-worker.js';
const WASM_FILE = 'sql-wasm.wasm';
/** How the sources refer to each: the worker from the client, the wasm from the worker. */
const WORKER_SOURCE_URL = "new URL('../worker/engine-worker.ts', import.meta.url)";
const WASM_SOURCE_IMPORT = 'sql.js/dist/sql-wasm-browser.wasm?url';
const WASM_MODULE = '\0pandalchemy:wasm-url';

const pkg = JSON.parse(readFileSync(new URL('package.json', import.meta.url), 'utf8')) as {
  dependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
};
// The app installs these: the library's dependencies, and the peers of `pandalchemy/postgres`
// and `pandalchemy/server` (pg, ws), which only those entries use.
const dependencies = [...Object.keys(pkg.dependencies), ...Object.keys(pkg.peerDependencies)];

/**
 * A URL relative to the output file, for the app's bundler to follow. Vite's own plugins leave a
 * `new URL()` alone when a `@vite-ignore` comment leads its arguments; the comment is taken out
 * of the output again, or the app's Vite would leave it alone too.
 */
const IGNORED = '/* @vite-ignore */';
const relativeUrl = (file: string): string => `new URL(${IGNORED} './${file}', import.meta.url)`;

function packageUrls(): Plugin {
  return {
    name: 'pandalchemy:package-urls',
    enforce: 'pre',
    resolveId(id) {
      return id === WASM_SOURCE_IMPORT ? WASM_MODULE : null;
    },
    load(id) {
      if (id !== WASM_MODULE) return null;
      this.emitFile({
        type: 'asset',
        fileName: WASM_FILE,
        source: readFileSync(
          fileURLToPath(import.meta.resolve('sql.js/dist/sql-wasm-browser.wasm')),
        ),
      });
      return `export default ${relativeUrl(WASM_FILE)}.href;`;
    },
    transform(code, id) {
      if (!code.includes(WORKER_SOURCE_URL)) return null;
      if (!id.endsWith('/src/client/engine-client.ts')) {
        this.error(`Only the engine client starts the worker, but ${id} does too.`);
      }
      return { code: code.replace(WORKER_SOURCE_URL, relativeUrl(WORKER_FILE)), map: null };
    },
    renderChunk(code) {
      const out = code.replace(/new URL\(\s*\/\*\s*@vite-ignore\s*\*\/\s*/g, 'new URL(');
      return out === code ? null : { code: out, map: null };
    },
    generateBundle(_, bundle) {
      // The package is only right if the app's bundler can see both references.
      const expected: Record<string, string> = {
        'pandalchemy.js': `new Worker(new URL("./${WORKER_FILE}", import.meta.url)`,
        [WORKER_FILE]: `new URL("./${WASM_FILE}", import.meta.url)`,
      };
      for (const [file, pattern] of Object.entries(expected)) {
        const chunk = bundle[file];
        if (chunk?.type === 'chunk' && !chunk.code.includes(pattern)) {
          this.error(`${file} lacks ${pattern}: an app's bundler would not emit what it needs.`);
        }
      }
    },
  };
}

/**
 * The package's entries: the library, `pandalchemy/postgres` (applyPlan for PostgreSQL, which
 * imports nothing browser-only and never starts the worker), and `pandalchemy/server` (the sync
 * server, Node only).
 */
const ENTRIES = {
  pandalchemy: 'src/index.ts',
  postgres: 'src/postgres.ts',
  server: 'src/server.ts',
};

/** What bin/pandalchemy-server.js runs: built beside the entries, no export (and no types). */
const BIN_ENTRIES = { 'server-cli': 'src/server-cli.ts' };

// Node's own modules stay imports: only the server entry uses them, and only in Node.
const external = (id: string): boolean =>
  id.startsWith('node:') || dependencies.some((d) => id === d || id.startsWith(`${d}/`));

/**
 * `dist/pandalchemy.d.ts`, `dist/postgres.d.ts` and `dist/server.d.ts`: the declarations, one file per entry, `@internal` members stripped
 * (tsconfig.build.json). One file has no relative imports, whose missing extensions would make
 * every export `any` under `moduleResolution: NodeNext`; and it keeps type-only exports type-only
 * (Database, DatabaseTable, TrackedTable are no values). Its own rolldown pass: the plugin does
 * not run inside Vite's pipeline.
 */
function declarations(): Plugin {
  return {
    name: 'pandalchemy:declarations',
    async closeBundle() {
      // One pass per entry, so that each declaration file stands alone.
      for (const [name, entry] of Object.entries(ENTRIES)) {
        await build({
          input: { [name]: entry },
          external,
          plugins: [dts({ tsconfig: 'tsconfig.build.json', emitDtsOnly: true })],
          output: { dir: 'dist', format: 'es' },
          checks: { pluginTimings: false },
        });
      }
    },
  };
}

/**
 * sql.js's browser build as an ES module: its closing UMD block (`module.exports = initSqlJs` when
 * `typeof module === 'object'`, else AMD, else `exports.Module`) becomes `export default`, and its
 * `module = undefined` (an assignment to an undeclared name, which throws in a module) goes.
 * Left as CommonJS, it sits in a wrapper whose `typeof module` webpack folds to "undefined" when it
 * bundles the worker into an app, and exports nothing: "(0, L.default) is not a function".
 */
function sqlJsAsModule(): Plugin {
  const UMD = "if (typeof exports === 'object' && typeof module === 'object')";
  const UNDEFINE = 'module = undefined;';
  return {
    name: 'pandalchemy:sql.js-as-module',
    transform(code, id) {
      if (!id.endsWith('/sql.js/dist/sql-wasm-browser.js')) return null;
      const at = code.lastIndexOf(UMD);
      if (
        at < 0 ||
        code.indexOf(UNDEFINE) !== code.lastIndexOf(UNDEFINE) ||
        !code.includes(UNDEFINE)
      ) {
        this.error(`sql.js's browser build has changed (${UMD}, ${UNDEFINE}): check this plugin.`);
      }
      const body = code.slice(0, at).replace(UNDEFINE, '');
      return { code: `${body}export default initSqlJs;\n`, map: null };
    },
  };
}

const common: UserConfig = {
  publicDir: false,
  plugins: [packageUrls(), sqlJsAsModule()],
  build: {
    outDir: 'dist',
    target: 'es2022',
    minify: false,
    sourcemap: false,
    reportCompressedSize: false,
  },
};

const library: UserConfig = {
  ...common,
  plugins: [...common.plugins!, declarations()],
  build: {
    ...common.build,
    emptyOutDir: false,
    lib: { entry: { ...ENTRIES, ...BIN_ENTRIES }, formats: ['es'] },
    rolldownOptions: { external },
  },
};

const worker: UserConfig = {
  ...common,
  build: {
    ...common.build,
    emptyOutDir: true,
    lib: { entry: 'src/worker/engine-worker.ts', formats: ['es'], fileName: () => WORKER_FILE },
  },
};

export default defineConfig(({ mode }) => (mode === 'worker' ? worker : library));
