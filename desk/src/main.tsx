import '@mantine/core/styles.css';
import 'virtual:mantine-variables.css';
import './styles.css';
import { MantineProvider } from '@mantine/core';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { LanguageProvider } from './i18n/i18n';
import { SessionProvider } from './session';
import { deskTheme } from './theme';

const root = document.getElementById('root');
if (!root) throw new Error('no #root element');
createRoot(root).render(
  <StrictMode>
    {/* No <style> injected at run time (strict CSP): the variables come from a static stylesheet. */}
    <MantineProvider
      theme={deskTheme}
      withCssVariables={false}
      withGlobalClasses={false}
      forceColorScheme="light"
    >
      <LanguageProvider>
        <SessionProvider>
          <App />
        </SessionProvider>
      </LanguageProvider>
    </MantineProvider>
  </StrictMode>,
);
