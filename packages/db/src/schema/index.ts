export * from './alerts';
export * from './auth';
export * from './readings';
export * from './stations';
