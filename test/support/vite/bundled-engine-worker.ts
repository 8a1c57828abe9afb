import { fileURLToPath } from 'node:url';
import { rolldown, type Plugin as RolldownPlugin } from 'rolldown';
import type { Plugin } from 'vite';

const ENTRY = fileURLToPath(new URL('../../../src/worker/engine-worker.ts', import.meta.url));

/**
 * For Vitest's browser servers only: the library's engine worker is served as one bundled module,
 * as the package ships it (dist/pandalchemy-worker.js), instead of the hundred source modules a
 * dev server sends one import level at a time.
 *
 * Why: every `openDatabase` starts a worker, and on the 2-core test machine fetching and
 * evaluating that module graph level by level took 1-1.4 s per open; the bad-input tests alone
 * open 270 databases. The bundle is built once per test server from the sources as they are
 * (`vitest run` never changes them under a running server). The playground's dev server
 * (`npm run dev`) does not use this plugin.
 */
export function bundledEngineWorker(): Plugin {
  let bundle: Promise<string> | null = null;
  return {
    name: 'pandalchemy:bundled-engine-worker',
    apply: 'serve',
    load(id) {
      const [path, query = ''] = id.split('?');
      if (path !== ENTRY || !query.includes('worker_file')) return null;
      bundle ??= bundleWorker();
      return bundle;
    },
  };
}

async function bundleWorker(): Promise<string> {
  const build = await rolldown({
    input: ENTRY,
    platform: 'browser',
    plugins: [assetUrls()],
  });
  try {
    const { output } = await build.generate({ format: 'es' });
    return output[0].code;
  } finally {
    await build.close();
  }
}

/** `import url from './file?url'`: the file's URL on the dev server (`/@fs/...`). */
function assetUrls(): RolldownPlugin {
  const PREFIX = '\0asset-url:';
  return {
    name: 'asset-urls',
    async resolveId(source, importer) {
      if (!source.endsWith('?url')) return null;
      const resolved = await this.resolve(source.slice(0, -'?url'.length), importer);
      return resolved ? PREFIX + resolved.id : null;
    },
    load(id) {
      if (!id.startsWith(PREFIX)) return null;
      return `export default ${JSON.stringify(`/@fs${id.slice(PREFIX.length)}`)};`;
    },
  };
}
