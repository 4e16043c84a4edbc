export * from './intrinsic-bar';
export * from './intrinsic-bar-spec.schema';
export * from './intrinsic-bar.builder';
export type { AdaptiveSamplerState } from './adaptive-bar.sampler';
export type { OpenBarState } from './open-bar';
