/**
 * The desk's Mantine theme. Its CSS variables are written out at build time as a static
 * stylesheet (scripts/desk-build.ts), so nothing here may depend on the browser.
 * Shade 8 of blue as the primary colour: white text on it is 4.8:1 (WCAG AA for normal text),
 * where Mantine's default shade 6 is 3.5:1.
 */
import { createTheme } from '@mantine/core';

export const deskTheme = createTheme({
  primaryColor: 'blue',
  primaryShade: 8,
  fontFamily:
    'system-ui, -apple-system, "Segoe UI", "Noto Sans", "Noto Sans Arabic", Tahoma, "DejaVu Sans", sans-serif',
  headings: { fontFamily: 'inherit' },
  defaultRadius: 'sm',
  focusRing: 'always',
});
