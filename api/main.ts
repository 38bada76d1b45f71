/** Standalone API process (`npm run api`; docker-compose runs it). SIGINT/SIGTERM stop it gracefully. */
import { StackError } from '../devstack/ports';
import { ConfigError } from '../lib/config';
import { startApi } from './server';

startApi()
  .then((api) => {
    console.log(`API listening on ${api.url} (docs: ${api.url}/docs)`);
    const stop = () => void api.stop().then(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  })
  .catch((err: unknown) => {
    // Configuration and port problems are sentences for a person; anything else gets its name too.
    const plain = err instanceof ConfigError || err instanceof StackError;
    console.error(err instanceof Error ? (plain ? err.message : `${err.name}: ${err.message}`) : String(err));
    process.exit(1);
  });
