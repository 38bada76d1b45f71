/** Standalone worker process (docker-compose runs several of these). */
import { runWorker } from './run';

runWorker()
  .then((worker) => {
    console.log('worker polling');
    const stop = () => void worker.stop().then(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  })
  .catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
