export * from './auth';
export * from './readings';
export * from './stations';
