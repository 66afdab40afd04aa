export * from './readings';
export * from './stations';
export * from './auth';
