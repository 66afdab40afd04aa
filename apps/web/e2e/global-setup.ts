import { createPipeline } from '@weather/test-kit';

/**
 * The whole system for the browser tests: collector, consumer, query service and generator (real processes)
 * on an isolated topic and a fresh, empty database, and the built web app in front of them.
 * Returns the teardown.
 */
export default async function globalSetup() {
  const pipeline = await createPipeline('e2e');
  const collector = await pipeline.collector();
  const consumer = await pipeline.consumer();
  const generator = await pipeline.service('generator', { COLLECTOR_URL: collector.url });
  const query = await pipeline.service('query');
  const web = await pipeline.service('web', {
    COLLECTOR_URL: collector.url,
    CONSUMER_URL: consumer.url,
    GENERATOR_URL: generator.url,
    QUERY_URL: query.url,
    LOG_LEVEL: 'warn',
  });
  process.env.E2E_BASE_URL = web.url;

  return () => pipeline.close();
}
