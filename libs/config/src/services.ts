// The six services and their default HTTP ports, declared once: the apps' config defaults, the
// quick start, docker-compose.yml and the Kubernetes manifests all follow this table.
export const SERVICE_PORTS = {
  'feed-gateway': 3101,
  preprocessor: 3102,
  'feature-engine': 3103,
  'alt-data-aggregator': 3104,
  'timescale-writer': 3105,
  'quality-monitor': 3106,
} as const;

export type ServiceName = keyof typeof SERVICE_PORTS;
export const SERVICE_NAMES = Object.keys(SERVICE_PORTS) as ServiceName[];

/** Local stack endpoints (deploy/local/stack.sh); the defaults of every service's config. */
export const LOCAL_STACK = {
  kafkaBrokers: '127.0.0.1:9092',
  registryUrl: 'http://127.0.0.1:8081/apis/ccompat/v7',
  databaseUrl: 'postgres://postgres@127.0.0.1:5432/test',
  redisUrl: 'redis://127.0.0.1:6379',
} as const;
