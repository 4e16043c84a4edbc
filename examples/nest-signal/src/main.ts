import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { signalConfig } from './signal-config';
import { createSignalService } from './signal-service';

async function main(): Promise<void> {
  const app = await createSignalService(signalConfig(process.env));
  // SIGTERM closes the Kafka consumer cleanly: it leaves the group instead of timing out of it.
  app.enableShutdownHooks();
  await app.listen();
}

main().catch((err) => {
  new Logger('main').error(err instanceof Error ? err.stack : String(err));
  process.exit(1);
});
