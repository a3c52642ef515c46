export * from './session.ts';
export * from './rpc.ts';
export * from './timeline.ts';
export * from './percentiles.ts';
export * from './pairing.ts';
export * from './clock.ts';
