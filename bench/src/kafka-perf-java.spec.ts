import { javaClientSettings, propertyLine } from './kafka-perf-java';

describe('javaClientSettings', () => {
  it('gives a plaintext connection no settings', () => {
    expect(javaClientSettings({ brokers: ['127.0.0.1:9092'] }, '/unused')).toEqual([]);
  });

  it('logs in over SASL_SSL with the JAAS module of the mechanism, quoting the credentials', () => {
    const settings = new Map(javaClientSettings({
      brokers: ['b:9093'], ssl: { rejectUnauthorized: true }, sasl: { mechanism: 'scram-sha-512', username: 'md', password: 'p"w\\x' },
    }, '/unused'));
    expect(settings.get('security.protocol')).toBe('SASL_SSL');
    expect(settings.get('sasl.mechanism')).toBe('SCRAM-SHA-512');
    expect(settings.get('sasl.jaas.config')).toBe('org.apache.kafka.common.security.scram.ScramLoginModule required username="md" password="p\\"w\\\\x";');
    expect(settings.has('ssl.truststore.location')).toBe(false); // no CA given: the JVM's trusted CAs
  });

  it('uses PLAIN\'s own login module and SASL_PLAINTEXT without TLS', () => {
    const settings = new Map(javaClientSettings({ brokers: ['b:9092'], sasl: { mechanism: 'plain', username: 'u', password: 'p' } }, '/unused'));
    expect(settings.get('security.protocol')).toBe('SASL_PLAINTEXT');
    expect(settings.get('sasl.jaas.config')).toMatch(/^org\.apache\.kafka\.common\.security\.plain\.PlainLoginModule required /);
  });
});

describe('propertyLine', () => {
  it('escapes backslashes and line breaks so java.util.Properties reads the value back unchanged', () => {
    expect(propertyLine('k', 'a\\b\nc')).toBe('k=a\\\\b\\nc');
  });
});
