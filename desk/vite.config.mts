/**
 * Vite's production build of the desk (run by scripts/desk-build.ts after it has generated the
 * typed client and the labels). Mantine's CSS variables are written out as a static stylesheet
 * (`virtual:mantine-variables.css`): the strict CSP allows no <style> injected at run time.
 */
import { defineConfig, type Plugin } from 'vite';

function mantineVariables(): Plugin {
  const id = 'virtual:mantine-variables.css';
  return {
    name: 'mantine-variables',
    resolveId: (source) => (source === id ? `\0${id}` : undefined),
    async load(resolved) {
      if (resolved !== `\0${id}`) return undefined;
      const core = await import('@mantine/core');
      const { deskTheme } = await import('./src/theme.ts');
      const theme = core.mergeMantineTheme(core.DEFAULT_THEME, deskTheme);
      return core.convertCssVariables(core.defaultCssVariablesResolver(theme), ':root');
    },
  };
}

export default defineConfig({
  root: import.meta.dirname,
  base: '/desk/',
  logLevel: 'warn',
  plugins: [mantineVariables()],
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    target: 'es2022',
    // Never inline an asset as a data: URL (the CSP allows 'self' only).
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 600,
    // Every browser the desk supports has modulepreload; the polyfill would add code for none.
    modulePreload: { polyfill: false },
    rolldownOptions: {
      // Mantine marks its modules "use client" (for React Server Components): nothing to say here.
      onLog(level, log, handler) {
        if (log.code === 'MODULE_LEVEL_DIRECTIVE') return;
        handler(level, log);
      },
    },
  },
});
