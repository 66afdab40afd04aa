export {
  hashToken,
  type IssuedToken,
  issueToken,
  PREFIX_LENGTH,
  TOKEN_PATTERN,
  type TokenKind,
} from '@weather/core/tokens';
export { publishRegistryChange } from './changes';
export { type AuthFailure, IngestView, type Principal, type WriteDecision } from './ingest-view';
export * from './schemas';
export { ensureSimulatorToken, registerSimulatedStations, SIMULATOR_GATEWAY } from './simulator';
export { CredentialUsage } from './usage';
export { DEFAULT_RELOAD_INTERVAL_MS, RegistryWatcher, type WatcherOptions } from './watcher';
