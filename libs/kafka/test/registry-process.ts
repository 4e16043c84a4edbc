import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, repoRoot, stackLogDir } from '@md/testing';
import { cachedPath, findJava, JvmProcess } from './jvm-process';

const APICURIO_VERSION = process.env.APICURIO_VERSION ?? '3.3.3';

export interface RegistryOptions {
  /** Log file name prefix under .stack/logs. */
  label: string;
  /** The broker that holds the KafkaSQL journal. */
  kafkaBootstrap: string;
  /** Its journal, snapshots and events topics are `<prefix>journal` etc. */
  topicPrefix: string;
}

/**
 * An Apicurio Registry a test may kill -9 and restart: the stack's jar, the stack's settings file
 * (deploy/local/registry/application.properties, KafkaSQL storage) rendered with ports and topics
 * of its own, never the shared registry on 8081 that other tests are using.
 */
export class RegistryProcess {
  private jvm?: JvmProcess;
  private starts = 0;

  private constructor(
    private readonly options: RegistryOptions,
    private readonly dir: string,
    private readonly port: number,
  ) {}

  /** The Confluent-compatible API, as services take it in SCHEMA_REGISTRY_URL. */
  get url(): string {
    return `http://127.0.0.1:${this.port}/apis/ccompat/v7`;
  }

  get pid(): number | undefined {
    return this.jvm?.pid;
  }

  static async start(options: RegistryOptions): Promise<RegistryProcess> {
    const dir = mkdtempSync(join(tmpdir(), 'md-registry-'));
    const [port, managementPort] = [await freePort(), await freePort()];
    const tokens: Record<string, string> = {
      REGISTRY_PORT: String(port),
      REGISTRY_MGMT_PORT: String(managementPort),
      KAFKA_BOOTSTRAP: options.kafkaBootstrap,
      TOPIC_PREFIX: options.topicPrefix,
    };
    const template = readFileSync(join(repoRoot(), 'deploy/local/registry/application.properties'), 'utf8');
    const rendered = template.replace(/@([A-Z_]+)@/g, (whole, name: string) => tokens[name] ?? whole);
    const unknown = /^[^#\n]*@[A-Z_]+@/m.exec(rendered);
    if (unknown) throw new Error(`deploy/local/registry/application.properties has a token this helper does not fill: ${unknown[0]}`);
    mkdirSync(join(dir, 'config'));
    writeFileSync(join(dir, 'config', 'application.properties'), rendered);
    const registry = new RegistryProcess(options, dir, port);
    try {
      await registry.launch();
    } catch (err) {
      await registry.stop();
      throw err;
    }
    return registry;
  }

  /** kill -9: no shutdown hook runs, whatever was not in the journal is gone. */
  async kill9(): Promise<void> {
    await this.jvm?.kill();
  }

  /** Starts it again on the same ports and topics; resolves when it answers (ms it took). */
  async restart(): Promise<number> {
    if (this.jvm?.running) throw new Error('registry is still running; kill9() it first');
    return this.launch();
  }

  /** Kills it (if running) and removes its folder; safe to call twice. */
  async stop(): Promise<void> {
    await this.jvm?.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async launch(): Promise<number> {
    const started = Date.now();
    mkdirSync(stackLogDir(), { recursive: true });
    const jar = cachedPath('apicurio', `apicurio-registry-app-${APICURIO_VERSION}`, 'quarkus-run.jar');
    // Quarkus reads config/application.properties from its working directory (the folder above).
    const jvm = JvmProcess.start(findJava(21), ['-Xmx512m', '-Djava.awt.headless=true', '-jar', jar], {
      cwd: this.dir,
      logFile: join(stackLogDir(), `${this.options.label}-registry-${++this.starts}.log`),
    });
    this.jvm = jvm;
    await jvm.waitUntil(`test registry on ${this.port}`, async () => {
      const res = await fetch(`${this.url}/subjects`, { signal: AbortSignal.timeout(5_000) });
      await res.body?.cancel();
      return res.status === 200;
    }, 120_000);
    await this.ensureBackward();
    return Date.now() - started;
  }

  /** As registry.sh does: the global COMPATIBILITY rule as an explicit rule (kept in the journal). */
  private async ensureBackward(): Promise<void> {
    const res = await fetch(`http://127.0.0.1:${this.port}/apis/registry/v3/admin/rules`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ruleType: 'COMPATIBILITY', config: 'BACKWARD' }),
    });
    await res.body?.cancel();
    if (!res.ok && res.status !== 409) throw new Error(`registry answered ${res.status} to the global BACKWARD rule`);
  }
}
