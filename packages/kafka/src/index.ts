export type { Admin, Consumer, EachBatchPayload, Kafka, Message, Producer } from 'kafkajs';
export {
  createKafka,
  createProducer,
  ensureTopics,
  type KafkaOptions,
  kafkaCheck,
  pipelineTopics,
  type TopicSpec,
} from './client';
export { BatchingPublisher, type PublisherOptions } from './publisher';
