import { TOPIC_TABLE } from '@md/contracts';
import { valueSchemaOf } from './schemas';

describe('schemas', () => {
  it.each(TOPIC_TABLE.map((t) => t.name))('%s has a record schema whose fields all carry a type', (topic) => {
    const schema = valueSchemaOf(topic);
    expect(schema.type).toBe('record');
    expect(schema.fields.length).toBeGreaterThan(0);
    for (const f of schema.fields) expect(f.type).toBeDefined();
  });
});
