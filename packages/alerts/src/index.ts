export * from './address';
export * from './deliver';
export * from './evaluate';
export * from './rules';
export * from './signature';
export * from './store';
export * from './worker';
