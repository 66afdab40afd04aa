export * from './readings';
export * from './stations';
