// @ts-check
// `npm run infra`: only the infrastructure (Kafka, PostgreSQL, Redis), in the foreground, for
// running apps with `npm run dev -w <app>`. Ctrl-C stops what it started.
import { bootstrap } from './lib/bootstrap.mjs';
import { say } from './lib/util.mjs';

bootstrap();
const { prepare } = await import('./lib/session.mjs');
const { stop } = await prepare({ databaseVar: 'DATABASE_URL' });
say('infrastructure is up; Ctrl-C stops what this command started.');
const onSignal = () => void stop().finally(() => process.exit(0));
process.once('SIGINT', onSignal);
process.once('SIGTERM', onSignal);
setInterval(() => {}, 1 << 30);
