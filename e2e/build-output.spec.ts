import { expect, test } from '@playwright/test';
import { resolveConfig } from 'vite';

test('the playground build ships the playground page only; the test harness is built for e2e', async () => {
  const inputs = async (mode: string) => {
    const config = await resolveConfig({ mode, logLevel: 'silent' }, 'build', mode);
    const input = config.build.rolldownOptions.input as Record<string, string>;
    return { pages: Object.keys(input).sort(), outDir: config.build.outDir };
  };
  expect(await inputs('production')).toEqual({ pages: ['index'], outDir: 'dist-demo' });
  expect(await inputs('e2e')).toEqual({ pages: ['index', 'tabs'], outDir: 'dist-e2e' });
});
