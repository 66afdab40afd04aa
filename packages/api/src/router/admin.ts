/**
 * Changes to who may do what (SPEC §15): users and API keys. Admins only; a key or password is
 * in an answer once, when made, and never again.
 */
import {
  createApiKey,
  createUser,
  listApiKeys,
  listUsers,
  newApiKeySchema,
  newUserSchema,
  OperatorError,
  passwordSchema,
  removeUser,
  revokeApiKey,
  roleSchema,
  setPassword,
  setRole,
} from '@weather/auth';
import { z } from 'zod';
import { ApiError } from '../errors';
import { adminProcedure, publicProcedure, router } from '../trpc';

const CODES = {
  email_taken: 'CONFLICT',
  unknown_user: 'NOT_FOUND',
  unknown_api_key: 'NOT_FOUND',
  last_admin: 'CONFLICT',
  already_revoked: 'CONFLICT',
} as const;

/** Our refusals keep their reason; anything else goes on to the generic handling. */
async function refusals<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof OperatorError) {
      throw new ApiError({
        code: CODES[error.reason],
        reason: error.reason,
        message: error.message,
      });
    }
    throw error;
  }
}

const iso = (date: Date | null) => (date === null ? null : date.toISOString());

const user = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: roleSchema,
  created_at: z.string(),
});
const userOf = (u: Awaited<ReturnType<typeof listUsers>>[number]) => ({
  id: u.id,
  email: u.email,
  name: u.name,
  role: u.role,
  created_at: u.createdAt.toISOString(),
});

const apiKey = z.object({
  id: z.number().int(),
  name: z.string(),
  prefix: z.string(),
  role: roleSchema,
  created_by: z.string().nullable(),
  created_at: z.string(),
  last_used_at: z.string().nullable(),
  revoked_at: z.string().nullable(),
});
const apiKeyOf = (k: Awaited<ReturnType<typeof listApiKeys>>[number]) => ({
  id: k.id,
  name: k.name,
  prefix: k.prefix,
  role: k.role,
  created_by: k.createdBy,
  created_at: k.createdAt.toISOString(),
  last_used_at: iso(k.lastUsedAt),
  revoked_at: iso(k.revokedAt),
});

const userId = z.object({ id: z.string().min(1).max(100) });

export const usersRouter = router({
  list: adminProcedure
    .output(z.array(user))
    .query(async ({ ctx }) => (await listUsers(ctx.db)).map(userOf)),

  /** A user who signs in with this email and password (no invitation mail: tell them). */
  create: adminProcedure
    .input(newUserSchema)
    .output(user)
    .mutation(({ ctx, input }) => refusals(async () => userOf(await createUser(ctx.db, input)))),

  /** Refused when it would leave no admin. */
  setRole: adminProcedure
    .input(userId.extend({ role: roleSchema }))
    .output(user)
    .mutation(({ ctx, input }) =>
      refusals(async () => userOf(await setRole(ctx.db, input.id, input.role))),
    ),

  /** Signs the user out everywhere. */
  setPassword: adminProcedure
    .input(userId.extend({ password: passwordSchema }))
    .output(z.object({ ok: z.literal(true) }))
    .mutation(({ ctx, input }) =>
      refusals(async () => {
        await setPassword(ctx.db, input.id, input.password);
        return { ok: true as const };
      }),
    ),

  /** Refused for the only admin. */
  remove: adminProcedure
    .input(userId)
    .output(user)
    .mutation(({ ctx, input }) => refusals(async () => userOf(await removeUser(ctx.db, input.id)))),
});

export const apiKeysRouter = router({
  list: adminProcedure
    .output(z.array(apiKey))
    .query(async ({ ctx }) => (await listApiKeys(ctx.db)).map(apiKeyOf)),

  /** `key` is shown this once. */
  create: adminProcedure
    .input(newApiKeySchema)
    .output(z.object({ key: z.string(), api_key: apiKey }))
    .mutation(async ({ ctx, input }) => {
      const createdBy = ctx.principal?.kind === 'session' ? ctx.principal.userId : undefined;
      const { key, info } = await createApiKey(ctx.db, input, createdBy);
      return { key, api_key: apiKeyOf(info) };
    }),

  revoke: adminProcedure
    .input(z.object({ id: z.number().int().positive() }))
    .output(apiKey)
    .mutation(({ ctx, input }) =>
      refusals(async () => apiKeyOf(await revokeApiKey(ctx.db, input.id))),
    ),
});

/** Who the caller is, for the dashboard's user menu and role-aware controls. */
export const authRouter = router({
  me: publicProcedure
    .output(
      z.object({
        public_read: z.boolean(),
        user: z
          .object({
            kind: z.enum(['session', 'api_key']),
            name: z.string(),
            email: z.string().nullable(),
            role: roleSchema,
          })
          .nullable(),
      }),
    )
    .query(async ({ ctx }) => {
      const access = ctx.access;
      const principal = access ? (await access.identify()).principal : null;
      return {
        public_read: access?.publicRead ?? true,
        user: principal && {
          kind: principal.kind,
          name: principal.name,
          email: principal.kind === 'session' ? principal.email : null,
          role: principal.role,
        },
      };
    }),
});
