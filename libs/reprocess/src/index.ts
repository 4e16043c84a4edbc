export * from './reprocess-main';
export * from './reprocess-publisher';
export * from './reprocess-request';
