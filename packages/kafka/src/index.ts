export type { Admin, Consumer, EachBatchPayload, Kafka, Message, Producer } from 'kafkajs';
export {
  createKafka,
  createProducer,
  ensureTopics,
  type KafkaOptions,
  kafkaCheck,
  pipelineTopics,
  type TopicSpec,
  topicPartitions,
} from './client';
export { murmur2, partitionFor } from './partition';
export { BatchingPublisher, type PublisherOptions } from './publisher';
export { type KafkaServiceOptions, kafkaService } from './service';
