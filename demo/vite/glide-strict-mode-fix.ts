import type { Plugin } from 'rolldown';

/** Glide Data Grid's module with the hook this plugin mends. */
const MODULE = /[\\/]@glideapps[\\/]glide-data-grid[\\/]dist[\\/]esm[\\/]common[\\/]utils\.js$/;

/** `useDebouncedMemo`'s unmount effect in Glide Data Grid 6.0.3, as published. */
const UNMOUNT = /React\.useEffect\(\(\) => \(\) => \{\s*mountedRef\.current = false;\s*\}, \[\]\);/;

/**
 * Mends Glide Data Grid 6.0.3 for React's StrictMode (glideapps/glide-data-grid#1198): its
 * `useDebouncedMemo` marks itself unmounted in an effect's cleanup and never marked again when
 * StrictMode mounts it a second time, so under `npm run dev` the grid's accessibility tree (what
 * screen readers and the end-to-end tests read) never rendered. The effect now marks it mounted
 * too. Used by the dev server's dependency optimizer (the production build has no StrictMode
 * double mount). Fails loudly when the code is not as expected: a new Glide version must be
 * checked, and this plugin dropped once it carries the fix.
 */
export function glideStrictModeFix(): Plugin {
  return {
    name: 'pandalchemy:glide-strict-mode-fix',
    transform(code, id) {
      if (!MODULE.test(id)) return null;
      if (!UNMOUNT.test(code))
        this.error(
          `${id}: useDebouncedMemo is not as in Glide Data Grid 6.0.3: check whether glideapps/glide-data-grid#1198 is fixed and update demo/vite/glide-strict-mode-fix.ts`,
        );
      return code.replace(
        UNMOUNT,
        'React.useEffect(() => { mountedRef.current = true; return () => { mountedRef.current = false; }; }, []);',
      );
    },
  };
}
