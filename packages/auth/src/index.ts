export * from './access';
export {
  ACCOUNT_FAILURE_LIMIT,
  type Auth,
  type AuthOptions,
  COOKIE_PREFIX,
  createAuth,
  SESSION_EXPIRES_S,
  SIGN_IN_LIMIT,
  trustedOriginsOf,
} from './auth';
export {
  type AccessOptions,
  type AccessResolver,
  accessResolver,
  accessServices,
} from './identify';
export * from './operators';
