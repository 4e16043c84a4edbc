import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { repoRoot } from '@md/testing';

// The registry's storage settings are written twice: deploy/local/registry/application.properties
// (the local stack, and the registry registry-restart.integration.spec.ts kills) and the
// schema-registry service of docker-compose.yml (Quarkus reads APICURIO_X_Y for apicurio.x.y).
// They must not drift: a compose registry back on in-memory storage would renumber ids again.

const ROOT = repoRoot(__dirname);

/** apicurio.* settings of the template, with the values compose gives its tokens. */
function templateSettings(tokens: Record<string, string>): Map<string, string> {
  const settings = new Map<string, string>();
  for (const line of readFileSync(join(ROOT, 'deploy/local/registry/application.properties'), 'utf8').split('\n')) {
    const m = /^(apicurio\.[^=\s]+)=(.*)$/.exec(line.trim());
    if (m) settings.set(m[1], m[2].replace(/@([A-Z_]+)@/g, (whole, name: string) => tokens[name] ?? whole));
  }
  return settings;
}

/** Quarkus' environment variable name for a property (MicroProfile Config mapping rules). */
const envName = (property: string) => property.toUpperCase().replace(/[^A-Z0-9]/g, '_');

describe('registry storage settings (integration: reads deploy files)', () => {
  const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
    services: Record<string, { environment?: Record<string, unknown>; volumes?: string[] }>;
  };
  const registryEnv = compose.services['schema-registry'].environment ?? {};

  it('keeps schemas in Kafka (KafkaSQL) in the local stack', () => {
    const settings = templateSettings({});
    expect(settings.get('apicurio.storage.kind')).toBe('kafkasql');
    expect(settings.get('apicurio.kafkasql.topic')).toBe('@TOPIC_PREFIX@journal');
  });

  it('gives the docker-compose registry every apicurio.* setting of the local stack, with the same values', () => {
    const expected = templateSettings({ KAFKA_BOOTSTRAP: 'kafka:29092', TOPIC_PREFIX: '_md-registry-' });
    const actual = new Map([...expected.keys()].map((key) => [key, registryEnv[envName(key)] === undefined ? undefined : String(registryEnv[envName(key)])]));
    expect(actual).toEqual(expected);
  });

  it('keeps Kafka data, and so the schema journal, in a docker-compose volume', () => {
    expect(compose.services.kafka.volumes).toContainEqual(expect.stringMatching(/^kafka-data:/));
  });
});
