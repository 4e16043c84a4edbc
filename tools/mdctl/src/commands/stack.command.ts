import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Argument, type Command } from 'commander';
import { workspaceRoot } from '../workspace-root';
import { OperationError, UsageError } from '../usage-error';

/** `mdctl stack up|down|status [--purge]`: deploy/local/stack.sh, its output as it comes. */
export function registerStack(program: Command): void {
  program
    .command('stack')
    .description('bring the local stack (Kafka, Apicurio registry, PostgreSQL, Redis) up, down, or show its status')
    .addArgument(new Argument('<action>', 'what to do').choices(['up', 'down', 'status']))
    .option('--purge', 'with down: also delete the Kafka data')
    .action(async (action: string, opts: { purge?: boolean }) => {
      if (opts.purge && action !== 'down') throw new UsageError(`--purge only goes with down (mdctl stack down --purge), not with ${action}`);
      const args = [join(workspaceRoot(), 'deploy/local/stack.sh'), action, ...(opts.purge ? ['--purge'] : [])];
      const code = await new Promise<number | null>((resolve, reject) => {
        const child = spawn('bash', args, { stdio: 'inherit' });
        child.once('error', reject);
        child.once('close', resolve);
      });
      if (code !== 0) throw new OperationError(`stack ${action} failed (exit ${code}); the logs are in .stack/logs/`);
    });
}
