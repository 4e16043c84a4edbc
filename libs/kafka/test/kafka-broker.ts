import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, repoRoot, stackLogDir } from '@md/testing';
import { cachedPath, findJava, JvmProcess } from './jvm-process';

const KAFKA_VERSION = process.env.KAFKA_VERSION ?? '4.1.2';

function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.setTimeout(1000, () => done(false));
  });
}

/**
 * A private single-node KRaft broker from the stack's own template (deploy/local/kafka) and jars,
 * in a temporary folder, for a test whose services must see no other test's records: a stage
 * started against another registry would dead-letter (or worse, decode) every record that the
 * shared broker's other users write meanwhile.
 */
export class KafkaBroker {
  private constructor(
    readonly brokers: string,
    private readonly dir: string,
    private readonly process: JvmProcess,
  ) {}

  static async start(label: string): Promise<KafkaBroker> {
    const dir = mkdtempSync(join(tmpdir(), 'md-kafka-'));
    const [port, controllerPort] = [await freePort(), await freePort()];
    const template = readFileSync(join(repoRoot(), 'deploy/local/kafka/server.properties'), 'utf8');
    const props = join(dir, 'server.properties');
    writeFileSync(props, template.replace(/@KAFKA_PORT@/g, String(port)).replace(/@CONTROLLER_PORT@/g, String(controllerPort)).replace(/@DATA_DIR@/g, join(dir, 'data')));
    const libs = `${cachedPath(`kafka-${KAFKA_VERSION}`, 'libs')}/*`;
    const java = findJava(17);
    const format = spawnSync(
      java,
      ['-Xmx256m', `-Dlog4j2.configurationFile=${join(repoRoot(), 'deploy/local/kafka/tools-log4j2.properties')}`, '-cp', libs, 'kafka.tools.StorageTool', 'format', '-t', randomBytes(16).toString('base64url'), '-c', props],
      { encoding: 'utf8', timeout: 60_000 },
    );
    if (format.status !== 0) throw new Error(`kafka StorageTool format failed: ${format.stderr || format.stdout}`);
    mkdirSync(stackLogDir(), { recursive: true });
    const jvm = JvmProcess.start(
      java,
      ['-Xms128m', '-Xmx512m', '-XX:+UseG1GC', '-Djava.awt.headless=true', `-Dlog4j2.configurationFile=${join(repoRoot(), 'deploy/local/kafka/log4j2.properties')}`, '-cp', libs, 'kafka.Kafka', props],
      { cwd: dir, logFile: join(stackLogDir(), `${label}-kafka.log`) },
    );
    const broker = new KafkaBroker(`127.0.0.1:${port}`, dir, jvm);
    try {
      await jvm.waitUntil(`private Kafka broker on ${port}`, () => portAnswers(port), 60_000, 200);
    } catch (err) {
      await broker.stop();
      throw err;
    }
    return broker;
  }

  /** kill -9 (the data is thrown away), then removes the folder. */
  async stop(): Promise<void> {
    await this.process.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
